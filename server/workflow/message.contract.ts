import { z } from 'zod';

/** POST /messages: the message reached a waiting instance, or started a process. */
export const correlationResultSchema = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('delivered'), instanceId: z.guid(), elementId: z.string() }),
  z.object({ resultType: z.literal('started'), instanceId: z.guid(), definitionKey: z.string() }),
]);
export type CorrelationResult = z.infer<typeof correlationResultSchema>;
