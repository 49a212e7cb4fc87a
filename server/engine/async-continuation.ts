/**
 * camunda:asyncBefore / camunda:asyncAfter as transaction boundaries (Camunda 7 "Asynchronous
 * Continuations"): the step that reaches the boundary commits there, and an `async-continuation`
 * job continues the element in a step of its own, retried and raising its incident there.
 *
 * bpmn-elements formats every run message of an activity before acting on it, and waits while a
 * formatting message published on the activity's `format` exchange has not ended. The boundary is
 * such a wait: before `run.start` (asyncBefore: the element has not started, its input mapping
 * not evaluated) or before `run.end` (asyncAfter: the element has completed, its outputs are
 * mapped, its outgoing flows not yet taken). The activity stays postponed in the saved state;
 * recovered on any node, the engine redelivers the waiting run message and this extension waits
 * again, until the job's `continue` command ends the wait.
 */
import type { StepContext } from './step-context.js';

export type Boundary = 'before' | 'after';

/** An element's async continuations, read at deploy (definitions.ts). */
export interface AsyncBoundary {
  before?: true;
  after?: true;
}

/** A boundary an activity waits at after the step; it becomes an `async-continuation` job. */
export interface AsyncWait {
  executionId: string;
  elementId: string;
  boundary: Boundary;
}

const WAIT_KEY: Record<Boundary, string> = {
  before: 'run.platform.async-before',
  after: 'run.platform.async-after',
};
const COMPLETED_CONSUMER = '_platform-async-after';

interface BrokerMessage {
  fields: { routingKey: string };
  content: { executionId?: string };
}
interface ActivityLike {
  id: string;
  environment: { options: { platformStep?: StepContext } };
  broker: {
    publish(exchange: string, routingKey: string, content: Record<string, unknown>): void;
    subscribeTmp(
      exchange: string,
      pattern: string,
      handler: (routingKey: string, message: BrokerMessage) => void,
      options: Record<string, unknown>,
    ): void;
    cancel(consumerTag: string): void;
  };
}

/** Halts the activity's next run message until `continue` publishes the end of the wait. */
function wait(activity: ActivityLike, step: StepContext, boundary: Boundary, executionId: string): void {
  step.asyncWaits.set(executionId, { executionId, elementId: activity.id, boundary });
  activity.broker.publish('format', WAIT_KEY[boundary], { endRoutingKey: `${WAIT_KEY[boundary]}.continue` });
}

/**
 * The bpmn-elements extension (Engine option `extensions`) for elements with a boundary. It is
 * activated when the activity enters, and again when a recovered activity resumes from the run
 * message it was formatting (`run.start` before, `run.end` after).
 */
export function asyncContinuationExtension(activity: ActivityLike) {
  const step = activity.environment.options.platformStep;
  const boundary = step?.asyncBoundaries[activity.id];
  if (!step || !boundary) return undefined;
  return {
    activate(message: BrokerMessage) {
      const { routingKey } = message.fields;
      const executionId = message.content.executionId;
      if (!executionId) return;
      if (boundary.before && (routingKey === 'run.enter' || routingKey === 'run.start'))
        wait(activity, step, 'before', executionId);
      if (!boundary.after) return;
      if (routingKey === 'run.end') return wait(activity, step, 'after', executionId);
      // Published synchronously just before `run.end`: the wait is queued ahead of its formatting.
      activity.broker.subscribeTmp(
        'event',
        'activity.execution.completed',
        (_key, completed) => {
          if (completed.content.executionId === executionId) wait(activity, step, 'after', executionId);
        },
        { noAck: true, consumerTag: COMPLETED_CONSUMER },
      );
    },
    deactivate() {
      activity.broker.cancel(COMPLETED_CONSUMER);
    },
  };
}

/** A postponed activity as `getPostponed()` hands it out. */
interface PostponedLike {
  executionId: string;
  owner?: object;
}

/**
 * The job's command: ends the wait of the activity at `executionId`, which then runs on (starts,
 * or takes its outgoing flows) in this step. False when it waits at no boundary.
 */
export function continueAt(step: StepContext, target: PostponedLike | undefined): boolean {
  const waiting = target ? step.asyncWaits.get(target.executionId) : undefined;
  const broker = (target?.owner as { broker?: ActivityLike['broker'] } | undefined)?.broker;
  if (!target || !waiting || !broker) return false;
  step.asyncWaits.delete(target.executionId);
  broker.publish('format', `${WAIT_KEY[waiting.boundary]}.continue`, {});
  return true;
}

/** The boundaries activities still wait at when the step ends (those that left, a boundary event took, are gone). */
export function remainingWaits(step: StepContext, postponed: { executionId: string }[]): AsyncWait[] {
  const ids = new Set(postponed.map((p) => p.executionId));
  return [...step.asyncWaits.values()].filter((w) => ids.has(w.executionId));
}
