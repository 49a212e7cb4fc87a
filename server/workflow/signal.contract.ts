import { z } from 'zod';

/** POST /signals: the waiting events the signal reached and the instances it started. */
export const signalResultSchema = z.object({
  delivered: z.array(z.object({ instanceId: z.guid(), elementId: z.string() })),
  started: z.array(z.object({ instanceId: z.guid(), definitionKey: z.string() })),
});
export type SignalResult = z.infer<typeof signalResultSchema>;
