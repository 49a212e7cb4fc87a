import * as Elements from 'bpmn-elements';
import { parseDeadlineSpec, resolveDeadlineSpec } from '../lib/deadlines.js';
import { addIsoDuration } from '../lib/time.js';
import { findingParams, formatLintMessage } from '../lint/messages.js';
import { timerIntervalProblem } from './runnability.js';
import { RunawayStep, type StepContext } from './step-context.js';

/**
 * bpmn-elements' timer event definition, on the platform clock and with the working-day forms.
 *
 * The stock behaviour reads `new Date()` to compute a timer's expiry and whether it is already
 * due; with a test clock (PlatformOptions.clock) that would mix two times. This subclass computes
 * both from the step's clock, and reads `wd:<N>` / `sla:<step>` (lib/deadlines.ts) in
 * timeDuration or timeDate as "that many working days after the timer starts".
 */
type TimerType = 'timeDuration' | 'timeDate' | 'timeCycle';
interface TimerThis {
  activity: { id?: string; name?: string; environment: { options: { platformStep?: StepContext } } };
  environment: { resolveExpression(expr: unknown, message: unknown): unknown };
  [key: string]: unknown;
}
interface ParsedTimer {
  expireAt?: Date;
  repeat?: number;
  delay?: number;
}

const Base = (Elements as unknown as { TimerEventDefinition: new (...args: unknown[]) => object })
  .TimerEventDefinition as unknown as {
  prototype: { parse(this: TimerThis, type: TimerType, value: string): ParsedTimer };
  call(self: unknown, ...args: unknown[]): void;
};

const TIMER_TYPES: TimerType[] = ['timeDuration', 'timeDate', 'timeCycle'];

/** A resolved timer expression as the parser's text (a Date variable as its ISO instant). */
function timerText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function stepOf(self: TimerThis): StepContext | undefined {
  return self.activity.environment.options.platformStep;
}

export function PlatformTimerEventDefinition(this: TimerThis, activity: unknown, eventDefinition: unknown) {
  Base.call(this, activity, eventDefinition);
}
interface TimerPrototype {
  constructor: unknown;
  parse: unknown;
  _getTimers: unknown;
}
const timerPrototype = Object.create(Base.prototype) as TimerPrototype;
PlatformTimerEventDefinition.prototype = timerPrototype;
timerPrototype.constructor = PlatformTimerEventDefinition;

timerPrototype.parse = function parse(this: TimerThis, timerType: TimerType, value: string): ParsedTimer {
  const step = stepOf(this);
  const nowMs = step ? step.clock() : Date.now();
  const now = new Date(nowMs);
  const text = String(value).trim();
  // Checked before the stock parser: it steps through the repetitions one by one, and one that
  // repeats every 0 s never ends (a cycle from an expression is only known here, not at deploy).
  const tooOften = step ? timerIntervalProblem(timerType, text, step.limits) : null;
  if (step && tooOften) {
    const message = formatLintMessage('limits.timer-interval', findingParams(this.activity, tooOften));
    step.abort(new RunawayStep('TIMER_CYCLE_LIMIT', message, this.activity.id ?? null));
  }
  const spec = timerType === 'timeCycle' ? null : parseDeadlineSpec(text);
  if (spec) {
    const expireAt = resolveDeadlineSpec(spec, now, step?.variables ?? {});
    if (!expireAt) throw new Error(`${text}: the SLA table sets no limit for this case, so the timer has no date`);
    return { expireAt, delay: expireAt.getTime() - nowMs };
  }
  if (timerType === 'timeDuration' && text.startsWith('P')) {
    const expireAt = addIsoDuration(now, text);
    if (expireAt) return { expireAt, delay: expireAt.getTime() - nowMs };
  }
  // Cycles (R3/PT1H …) and absolute dates: the stock parser, moved onto the platform clock.
  const realNow = Date.now();
  const parsed = Base.prototype.parse.call(this, timerType, text);
  if (timerType !== 'timeDate' && parsed.expireAt) {
    parsed.expireAt = new Date(parsed.expireAt.getTime() - realNow + nowMs);
    parsed.delay = parsed.expireAt.getTime() - nowMs;
  }
  return parsed;
};

/** bpmn-elements' `_getTimers`, with "now" from the platform clock. */
timerPrototype._getTimers = function getTimers(
  this: TimerThis & { parse(type: TimerType, value: string): ParsedTimer },
  executeMessage: { content: Record<string, unknown>; fields?: { redelivered?: boolean } },
) {
  const content = executeMessage.content;
  const step = stepOf(this);
  const nowMs = step ? step.clock() : Date.now();
  const result: Record<string, unknown> = {
    ...('expireAt' in content && { expireAt: new Date(content.expireAt as string) }),
  };
  for (const timerType of TIMER_TYPES) {
    if (timerType in content) result[timerType] = content[timerType];
    else if (timerType in this) result[timerType] = this.environment.resolveExpression(this[timerType], executeMessage);
    else continue;
    let expireAtDate: Date;
    let repeat: number | undefined;
    const resolved = result[timerType];
    const timerStr = timerText(resolved);
    if (timerStr) {
      const parsed = this.parse(timerType, timerStr);
      repeat = parsed.repeat;
      if (!parsed.expireAt || !parsed.expireAt.getTime) {
        throw new TypeError(`Parsed ${timerType} "${timerStr}" expireAt failed to resolve to a date`);
      }
      expireAtDate = parsed.expireAt;
    } else {
      expireAtDate = new Date(nowMs);
    }
    if (!('expireAt' in result) || (result.expireAt as Date) > expireAtDate) {
      result.timerType = timerType;
      result.expireAt = expireAtDate;
      result.repeat = repeat;
    }
  }
  if ('expireAt' in result) {
    result.timeout = (result.expireAt as Date).getTime() - nowMs;
    // A timer found already due while the engine resumes must not fire inside resume(): it could end
    // an enclosing sub-process before that sub-process's boundary events have resumed, leaving them
    // waiting for good. It stays registered (a due job) and fires by its own fire-timer command.
    if (executeMessage.fields?.redelivered && (result.timeout as number) <= 0) result.timeout = 1;
  } else if ('timeout' in content) result.timeout = content.timeout;
  else if (!Object.keys(result).length) result.timeout = 0;
  const inbound = content.inbound as Record<string, unknown>[] | undefined;
  if (inbound?.[0] && 'repeat' in inbound[0]) result.repeat = inbound[0].repeat;
  return result;
};
