import { z } from 'zod';
import type { ServiceDefinition } from './registry.js';

/** A registered service as designers see it (GET /services): what a service task may call. */
export const serviceSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** The description in Chinese; null for a service registered without one. */
  descriptionZh: z.string().nullable(),
  /** Variables the service reads. */
  inputs: z.array(z.string()),
  /** Variables the service returns. */
  outputs: z.array(z.string()),
});
export type Service = z.infer<typeof serviceSchema>;

export function toService(
  definition: Pick<ServiceDefinition, 'name' | 'description' | 'descriptionZh' | 'inputs' | 'outputs'>,
): Service {
  return {
    name: definition.name,
    description: definition.description,
    descriptionZh: definition.descriptionZh ?? null,
    inputs: definition.inputs ?? [],
    outputs: definition.outputs ?? [],
  };
}
