import type { ServiceCallback, StepContext } from './step-context.js';
import { executionChain } from './variable-scopes.js';

interface ActivityLike {
  id: string;
  environment: { options: { platformStep?: StepContext } };
}
interface ExecuteMessage {
  content: { executionId: string; id: string; parent?: { executionId?: string; path?: { executionId?: string }[] } };
}

/**
 * The behaviour bpmn-elements calls for every service and send task.
 *
 * ARCHITECTURE.md: service calls run outside the instance's transaction, as jobs, so a slow or
 * failing service never holds a lock and is retried with backoff. When the engine reaches a
 * service task the first time, this asks the step to queue a service job and leaves the task
 * waiting. When the job has run, a later step resumes the instance with the result; the engine
 * re-executes this behaviour on resume, and the step answers it with that result once every
 * activity has resumed.
 */
export function PlatformService(this: { activity: ActivityLike }, activity: ActivityLike) {
  this.activity = activity;
}

(PlatformService.prototype as { execute: unknown }).execute = function execute(
  this: { activity: ActivityLike },
  message: ExecuteMessage,
  callback: ServiceCallback,
) {
  const step = this.activity.environment.options.platformStep;
  if (!step) return callback(new Error('service task executed outside a platform step'));
  const executionId = message.content.executionId;
  // The result this step carries is delivered after resume (StepContext.holdForResult).
  if (!step.holdForResult(executionId, callback))
    step.requestService(executionId, this.activity.id, executionChain(message.content));
  return undefined;
};
