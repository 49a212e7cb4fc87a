import * as Elements from 'bpmn-elements';
import { findingParams, formatLintMessage } from '../lint/messages.js';
import { RunawayStep, type StepContext } from './step-context.js';

/**
 * bpmn-elements' multi-instance behaviour, refusing a cardinality above the step's limit before
 * it expands: the stock behaviour would start every iteration in this one synchronous step (a
 * million iterations froze a node for half a minute). The evaluated loopCardinality, or else the
 * collection's length, is checked; past the limit the step aborts into an incident.
 */
interface ActivityRef {
  id: string;
  name?: string;
  environment: {
    options: { platformStep?: StepContext };
    resolveExpression(expression: unknown, message: unknown): unknown;
  };
}
interface LoopThis {
  activity: ActivityRef;
  loopCardinality?: unknown;
  collection?: unknown;
  characteristics: unknown;
}

const Base = (Elements as unknown as { MultiInstanceLoopCharacteristics: unknown })
  .MultiInstanceLoopCharacteristics as {
  prototype: { execute(this: LoopThis, message: unknown): unknown };
  call(self: unknown, ...args: unknown[]): void;
};

/** The number of iterations the loop would start, as bpmn-elements' Characteristics reads it. */
function cardinality(self: LoopThis, executeMessage: unknown): number | null {
  const { environment } = self.activity;
  if (self.loopCardinality) {
    const value = environment.resolveExpression(self.loopCardinality, executeMessage);
    if (value !== undefined && value !== null && value !== '' && !Number.isNaN(Number(value))) return Number(value);
  }
  if (self.collection) {
    const items = environment.resolveExpression(self.collection, executeMessage);
    if (Array.isArray(items)) return items.length;
  }
  return null;
}

export function PlatformLoopCharacteristics(this: LoopThis, activity: unknown, loopCharacteristics: unknown) {
  Base.call(this, activity, loopCharacteristics);
}
const loopPrototype = Object.create(Base.prototype) as { constructor: unknown; execute: unknown };
PlatformLoopCharacteristics.prototype = loopPrototype;
loopPrototype.constructor = PlatformLoopCharacteristics;

loopPrototype.execute = function execute(this: LoopThis, executeMessage: unknown): unknown {
  const step = this.activity.environment.options.platformStep;
  if (step && !this.characteristics) {
    const count = cardinality(this, executeMessage);
    const max = step.limits.multiInstanceMax;
    if (count !== null && count > max) {
      const params = findingParams(this.activity, { value: String(count), max: String(max) });
      step.abort(
        new RunawayStep('MULTI_INSTANCE_LIMIT', formatLintMessage('limits.multi-instance', params), this.activity.id),
      );
    }
  }
  return Base.prototype.execute.call(this, executeMessage);
};

/**
 * A standard loop: bpmn-elements runs it as a sequential loop whose condition ends it and whose
 * maximum bounds it; built on the platform's loop so that its maximum is held to the same limit.
 */
export function PlatformStandardLoopCharacteristics(
  activity: unknown,
  loopCharacteristics: { behaviour?: Record<string, unknown> },
) {
  const behaviour = { ...loopCharacteristics.behaviour, isSequential: true };
  return new (PlatformLoopCharacteristics as unknown as new (a: unknown, l: unknown) => unknown)(activity, {
    ...loopCharacteristics,
    behaviour,
  });
}
