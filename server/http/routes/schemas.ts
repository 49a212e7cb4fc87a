import { z } from 'zod';

export const uuidParam = z.object({ id: z.uuid() });

/** Process variables: a JSON object of plain values (no functions; bounded by the body size limit). */
export const variablesSchema = z.record(
  z.string().regex(/^[A-Za-z_][\w]*$/, 'variable names are letters, digits and _'),
  z.unknown(),
);

export const pagingQuery = {
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
