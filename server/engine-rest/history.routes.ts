import type { EngineRestGroup } from './context.js';
import { historyActivityInstanceRoutes } from './history-activity-instance.routes.js';
import { historyProcessInstanceRoutes } from './history-process-instance.routes.js';
import { historyTaskRoutes } from './history-task.routes.js';
import { historyVariableInstanceRoutes } from './history-variable-instance.routes.js';

/** Camunda's `/history/*` queries over the platform's instances, activity history, tasks and variables. */
export const historyRoutes: EngineRestGroup = (c) => [
  ...historyProcessInstanceRoutes(c),
  ...historyActivityInstanceRoutes(c),
  ...historyTaskRoutes(c),
  ...historyVariableInstanceRoutes(c),
];
