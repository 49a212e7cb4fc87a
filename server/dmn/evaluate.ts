import { NotFound } from '../lib/errors.js';
import { DecisionEvaluationFailed } from './errors.js';
import type { FeelContext } from './feel.js';
import { aggregate, selectHits, type Hit } from './hit-policy.js';
import {
  isMultipleHit,
  type Aggregation,
  type Decision,
  type DecisionTableDecision,
  type DmnDefinitions,
  type HitPolicy,
  type LiteralExpressionDecision,
  type Rule,
} from './model.js';
import { convert, NOT_CONVERTIBLE, type DmnType } from './types.js';
import { toJson, type JsonValue } from './values.js';

/** One decision's evaluation, JSON as it stands, for history and for the caller. */
export interface DecisionEvaluation {
  decisionId: string;
  decisionName: string;
  kind: Decision['kind'];
  /** null for a literal expression. */
  hitPolicy: HitPolicy | null;
  aggregation: Aggregation | null;
  /** The input columns' values (converted to their types). */
  inputs: { id: string; label: string; value: JsonValue }[];
  /** The rules that make up the result, in result order (for an aggregation: every rule that matched). */
  matchedRules: { ruleId: string; index: number; outputs: Record<string, JsonValue> }[];
  /**
   * Camunda's result list: one entry (output name → value) per rule in the result, the single
   * aggregated entry, or the default outputs when no rule matched; a literal expression gives
   * one entry under its variable name.
   */
  outputs: Record<string, JsonValue>[];
  /**
   * The decision's value as DMN defines it and a requiring decision sees it: a single output's
   * value or a context of the outputs, a list of them for COLLECT / RULE ORDER / OUTPUT ORDER,
   * the aggregate, or null when no rule matched.
   */
  result: JsonValue;
  /** The required decisions' evaluations, in requirement order. */
  required: DecisionEvaluation[];
}

interface Outcome {
  evaluation: DecisionEvaluation;
  /** FEEL values, before JSON: what requiring decisions see. */
  entries: Record<string, unknown>[];
  value: unknown;
}

/**
 * Evaluates a decision, its required decisions first (each once per evaluation), over the
 * variables. Throws `NotFound` for an unknown decision id and `DecisionEvaluationFailed` when
 * the decision cannot be evaluated with these variables.
 */
export function evaluateDecision(
  definitions: DmnDefinitions,
  decisionId: string,
  variables: Record<string, unknown> = {},
): DecisionEvaluation {
  const decision = definitions.decisions.get(decisionId);
  if (!decision) throw new NotFound('decision', decisionId);
  return run(definitions, decision, typedInputData(definitions, decision, variables), new Map()).evaluation;
}

/** The variables, those the document declares as typed input data converted to their types. */
function typedInputData(definitions: DmnDefinitions, decision: Decision, variables: Record<string, unknown>) {
  const typed: FeelContext = { ...variables };
  for (const input of definitions.inputData) {
    if (input.type === 'any' || !Object.hasOwn(typed, input.name)) continue;
    const value = convert(typed[input.name], input.type);
    if (value === NOT_CONVERTIBLE) {
      throw new DecisionEvaluationFailed(
        decision.id,
        input.id,
        `DMN-01005 input data '${input.name}': invalid value ${JSON.stringify(toJson(typed[input.name]))} for type '${input.type}'`,
      );
    }
    set(typed, input.name, value);
  }
  return typed;
}

function run(
  definitions: DmnDefinitions,
  decision: Decision,
  variables: FeelContext,
  done: Map<string, Outcome>,
): Outcome {
  const earlier = done.get(decision.id);
  if (earlier) return earlier;
  const context: FeelContext = { ...variables };
  const required: DecisionEvaluation[] = [];
  for (const id of decision.requiredDecisions) {
    const requiredDecision = definitions.decisions.get(id)!;
    const outcome = run(definitions, requiredDecision, variables, done);
    required.push(outcome.evaluation);
    bindRequired(context, requiredDecision, outcome);
  }
  const outcome =
    decision.kind === 'decisionTable'
      ? evaluateTable(decision, context, required)
      : evaluateLiteral(decision, context, required);
  done.set(decision.id, outcome);
  return outcome;
}

/**
 * What a requiring decision sees of a required one. As Camunda 7 does (DefaultDmnDecisionContext):
 * a single result's entries under their output names; several entries, or a COLLECT or RULE ORDER
 * table, each output name bound to the list of its values. Then, as DMN does, the decision's
 * value under its variable name (which wins where the two coincide).
 */
function bindRequired(context: FeelContext, decision: Decision, outcome: Outcome): void {
  const { entries } = outcome;
  const listed = decision.kind === 'decisionTable' && isMultipleHit(decision.table.hitPolicy);
  if (entries.length === 1 && !listed) {
    for (const [name, value] of Object.entries(entries[0]!)) set(context, name, value);
  } else if (entries.length) {
    const names = new Set(entries.flatMap((entry) => Object.keys(entry)));
    for (const name of names)
      set(
        context,
        name,
        entries.filter((e) => Object.hasOwn(e, name)).map((e) => e[name]),
      );
  }
  set(context, decision.variableName, outcome.value);
}

/** An own data property even for a name like `__proto__`, which plain assignment would not make. */
function set(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
}

function evaluateTable(decision: DecisionTableDecision, context: FeelContext, required: DecisionEvaluation[]): Outcome {
  const { table } = decision;
  const values = table.inputs.map((input) =>
    typed(decision, input.id, `input '${input.label}'`, input.type, () => input.expression.evaluate(context)),
  );
  const matched: Rule[] = [];
  for (const rule of table.rules) {
    if (!matches(decision, rule, values, context)) continue;
    matched.push(rule);
    if (table.hitPolicy === 'FIRST') break;
  }
  const hits: Hit[] = matched.map((rule) => ({ rule, outputs: ruleOutputs(decision, rule, context) }));
  const single = table.outputs.length === 1 ? table.outputs[0]!.name : null;
  const valueOf = (entry: Record<string, unknown>) => (single === null ? entry : entry[single]);
  let selected: readonly Hit[];
  let entries: Record<string, unknown>[];
  let value: unknown;
  if (table.aggregation) {
    selected = hits;
    value = aggregate(decision.id, table, hits);
    entries = value === null ? [] : [Object.fromEntries([[single!, value]])];
  } else {
    selected = selectHits(decision.id, table, hits);
    entries = selected.map((hit) => hit.outputs);
    value = isMultipleHit(table.hitPolicy) ? entries.map(valueOf) : entries[0] ? valueOf(entries[0]) : null;
  }
  if (matched.length === 0 && table.outputs.some((o) => o.defaultValue)) {
    const defaults = defaultOutputs(decision, context);
    entries = [defaults];
    value = isMultipleHit(table.hitPolicy) && !table.aggregation ? [valueOf(defaults)] : valueOf(defaults);
  }
  return {
    entries,
    value,
    evaluation: {
      decisionId: decision.id,
      decisionName: decision.name,
      kind: 'decisionTable',
      hitPolicy: table.hitPolicy,
      aggregation: table.aggregation,
      inputs: table.inputs.map((input, i) => ({ id: input.id, label: input.label, value: toJson(values[i]) })),
      matchedRules: selected.map((hit) => ({
        ruleId: hit.rule.id,
        index: hit.rule.index,
        outputs: jsonRecord(hit.outputs),
      })),
      outputs: entries.map(jsonRecord),
      result: toJson(value),
      required,
    },
  };
}

function matches(decision: DecisionTableDecision, rule: Rule, values: readonly unknown[], context: FeelContext) {
  const entries = rule.inputEntries;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.wildcard) continue;
    let hit: boolean;
    try {
      hit = entry.matches(values[i], context);
    } catch (err) {
      const input = decision.table.inputs[i]!;
      throw new DecisionEvaluationFailed(
        decision.id,
        rule.id,
        `rule ${rule.index} (${rule.id}), input '${input.label}': "${entry.text.trim()}" failed: ${(err as Error).message}`,
      );
    }
    if (!hit) return false;
  }
  return true;
}

function ruleOutputs(decision: DecisionTableDecision, rule: Rule, context: FeelContext): Record<string, unknown> {
  return Object.fromEntries(
    decision.table.outputs.map((output, j) => {
      const entry = rule.outputEntries[j];
      const where = `rule ${rule.index} (${rule.id}), output '${output.name}'`;
      return [output.name, entry ? typed(decision, rule.id, where, output.type, () => entry.evaluate(context)) : null];
    }),
  );
}

function defaultOutputs(decision: DecisionTableDecision, context: FeelContext): Record<string, unknown> {
  return Object.fromEntries(
    decision.table.outputs.map((output) => {
      const entry = output.defaultValue;
      const where = `output '${output.name}', default output entry`;
      return [
        output.name,
        entry ? typed(decision, output.id, where, output.type, () => entry.evaluate(context)) : null,
      ];
    }),
  );
}

function evaluateLiteral(
  decision: LiteralExpressionDecision,
  context: FeelContext,
  required: DecisionEvaluation[],
): Outcome {
  const value = typed(decision, decision.id, 'literal expression', decision.type, () =>
    decision.expression.evaluate(context),
  );
  const entry = Object.fromEntries([[decision.variableName, value]]);
  return {
    entries: [entry],
    value,
    evaluation: {
      decisionId: decision.id,
      decisionName: decision.name,
      kind: 'literalExpression',
      hitPolicy: null,
      aggregation: null,
      inputs: [],
      matchedRules: [],
      outputs: [jsonRecord(entry)],
      result: toJson(value),
      required,
    },
  };
}

/** Evaluates an expression and converts its value to the type; either failing names the element. */
function typed(decision: Decision, element: string, where: string, type: DmnType, evaluate: () => unknown): unknown {
  let raw: unknown;
  try {
    raw = evaluate();
  } catch (err) {
    throw new DecisionEvaluationFailed(
      decision.id,
      element,
      `${where}: FEEL evaluation failed: ${(err as Error).message}`,
    );
  }
  const value = convert(raw, type);
  if (value === NOT_CONVERTIBLE) {
    throw new DecisionEvaluationFailed(
      decision.id,
      element,
      `DMN-01005 ${where}: invalid value ${JSON.stringify(toJson(raw))} for type '${type}'`,
    );
  }
  return value;
}

function jsonRecord(entry: Record<string, unknown>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, toJson(v)]));
}
