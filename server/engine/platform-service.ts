import type { StepContext } from './step-context.js';

interface ActivityLike {
  id: string;
  environment: { options: { platformStep?: StepContext } };
}
interface ExecuteMessage {
  content: { executionId: string; id: string };
}
type Callback = (err: Error | null, output?: unknown) => void;

/**
 * The behaviour bpmn-elements calls for every service and send task.
 *
 * ARCHITECTURE.md: service calls run outside the instance's transaction, as jobs, so a slow or
 * failing service never holds a lock and is retried with backoff. When the engine reaches a
 * service task the first time, this asks the step to queue a service job and leaves the task
 * waiting. When the job has run, a later step resumes the instance with the result; the engine
 * re-executes this behaviour on resume, and it answers at once with that result.
 */
export function PlatformService(this: { activity: ActivityLike }, activity: ActivityLike) {
  this.activity = activity;
}

PlatformService.prototype.execute = function execute(
  this: { activity: ActivityLike },
  message: ExecuteMessage,
  callback: Callback,
) {
  const step = this.activity.environment.options.platformStep;
  if (!step) return callback(new Error('service task executed outside a platform step'));
  const executionId = message.content.executionId;
  const result = step.takeServiceResult(executionId);
  if (!result) {
    step.requestService(executionId, this.activity.id);
    return undefined;
  }
  if ('bpmnError' in result) return callback(result.bpmnError);
  return callback(null, result.output);
};
