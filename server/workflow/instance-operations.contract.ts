import { z } from 'zod';

/** One instruction of a modification, in Camunda 7's words (process-instance-modification). */
export const modificationInstructionSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('cancel'),
      activityId: z.string().min(1).max(200).optional(),
      activityInstanceId: z.string().min(1).max(200).optional(),
    })
    .refine((i) => !!i.activityId !== !!i.activityInstanceId, {
      message: 'a cancel names either activityId or activityInstanceId',
      path: ['activityId'],
    }),
  z.object({
    type: z.enum(['startBeforeActivity', 'startAfterActivity']),
    activityId: z.string().min(1).max(200),
    /** Set on the instance before the activity starts (the platform's variables are the instance's). */
    variables: z.record(z.string(), z.unknown()).optional(),
  }),
]);

export const modificationBodySchema = z.object({
  instructions: z.array(modificationInstructionSchema).min(1).max(50),
  /** Why: kept in the audit log and the instance's operation log. */
  reason: z.string().trim().min(1).max(500),
});
export type ModificationBody = z.infer<typeof modificationBodySchema>;

export const modificationResultSchema = z.object({
  instanceId: z.string(),
  status: z.string(),
  /** Activity instances (execution ids) the modification cancelled. */
  cancelled: z.array(z.object({ activityId: z.string(), activityInstanceId: z.string() })),
  /** What is active after it, as the instance view lists it. */
  active: z.array(z.object({ activityId: z.string(), activityInstanceId: z.string(), type: z.string() })),
});
export type ModificationResult = z.infer<typeof modificationResultSchema>;

export const migrationPlanQuerySchema = z.object({
  sourceDefinitionId: z.guid(),
  targetDefinitionId: z.guid(),
});

export const migrationPlanSchema = z.object({
  sourceDefinitionId: z.string(),
  targetDefinitionId: z.string(),
  /** Source element id → target element id: every activity whose id the target has with the same type. */
  mapping: z.record(z.string(), z.string()),
  /** Source elements that can be active but have no counterpart: an instance waiting there is refused. */
  unmapped: z.array(z.object({ elementId: z.string(), type: z.string(), reason: z.string() })),
});
export type MigrationPlan = z.infer<typeof migrationPlanSchema>;

export const migrateBodySchema = z.object({
  targetDefinitionId: z.guid(),
  instanceIds: z.array(z.guid()).min(1).max(10_000),
  /** Overrides of the generated mapping (source element id → target element id). */
  mapping: z.record(z.string().min(1).max(200), z.string().min(1).max(200)).optional(),
  reason: z.string().trim().max(500).optional(),
});
export type MigrateBody = z.infer<typeof migrateBodySchema>;

export const migrateResultSchema = z.object({
  migrated: z.array(z.string()),
  failed: z.array(z.object({ id: z.string(), reason: z.string() })),
  /** Set when the selection was handed to a batch instead of run in the request. */
  batchId: z.string().nullable(),
});
export type MigrateResult = z.infer<typeof migrateResultSchema>;
