import { evaluate } from '@bpmn-io/feelin';
import { compileExpression, compileUnaryTests, feelText } from './feel.js';
import {
  AGGREGATIONS,
  HIT_POLICIES,
  type Aggregation,
  type DecisionTable,
  type HitPolicy,
  type Rule,
  type TableInput,
  type TableOutput,
} from './model.js';
import { compiled, problem, textOf, type ParseContext } from './parse-context.js';
import { resolveTypeRef } from './types.js';
import { isSimpleValue } from './values.js';
import { attribute, childNamed, childrenNamed, type XmlElement } from './xml.js';

interface Owner {
  id: string;
  variableName: string;
  /** The decision's variable typeRef, the type of a single-output table's output by default. */
  typeRef: string | undefined;
}

/** Reads and compiles a decisionTable; null when it has problems (recorded in the context). */
export function parseDecisionTable(owner: Owner, element: XmlElement, context: ParseContext): DecisionTable | null {
  const before = context.problems.length;
  const inputElements = childrenNamed(element, 'input');
  const outputElements = childrenNamed(element, 'output');
  const ruleElements = childrenNamed(element, 'rule');
  const { limits } = context;
  const tooMany = (what: string, count: number, max: number) =>
    problem(context, owner.id, `decision '${owner.id}' has ${count} ${what}, at most ${max}`, element);
  if (inputElements.length > limits.maxInputs) tooMany('inputs', inputElements.length, limits.maxInputs);
  if (outputElements.length > limits.maxOutputs) tooMany('outputs', outputElements.length, limits.maxOutputs);
  if (ruleElements.length > limits.maxRules) tooMany('rules', ruleElements.length, limits.maxRules);
  if (outputElements.length === 0)
    problem(context, owner.id, `decision '${owner.id}': the table has no output`, element);
  // Past a limit, compiling the rest would cost what the limit protects.
  if (context.problems.length > before) return null;

  const { hitPolicy, aggregation } = policyOf(owner, element, context);
  const table = attribute(element, 'id') ?? owner.id;
  const inputs = inputElements.map((input, i) => parseInput(owner, input, i, context));
  const outputs = parseOutputs(owner, element, outputElements, context);
  const rules = ruleElements.map((rule, i) => parseRule(owner, rule, i, inputs, outputs, context));
  checkPolicyFits(owner, element, hitPolicy, aggregation, outputs, context);
  if (context.problems.length > before) return null;
  return {
    id: table,
    hitPolicy,
    aggregation,
    inputs: inputs as TableInput[],
    outputs: outputs as TableOutput[],
    rules: rules as Rule[],
  };
}

function policyOf(owner: Owner, element: XmlElement, context: ParseContext) {
  const raw = (attribute(element, 'hitPolicy') ?? 'UNIQUE').toUpperCase().replace(/_/g, ' ');
  const hitPolicy = HIT_POLICIES.find((p) => p === raw) ?? 'UNIQUE';
  if (hitPolicy !== raw) {
    problem(context, owner.id, `decision '${owner.id}': unknown hit policy '${raw}'`, element);
  }
  const rawAggregation = attribute(element, 'aggregation')?.toUpperCase();
  const aggregation = AGGREGATIONS.find((a) => a === rawAggregation) ?? null;
  if (rawAggregation && !aggregation) {
    problem(context, owner.id, `decision '${owner.id}': unknown aggregation '${rawAggregation}'`, element);
  } else if (aggregation && hitPolicy !== 'COLLECT') {
    problem(context, owner.id, `decision '${owner.id}': aggregation ${aggregation} needs hit policy COLLECT`, element);
  }
  return { hitPolicy, aggregation };
}

function parseInput(owner: Owner, element: XmlElement, index: number, context: ParseContext): TableInput | null {
  const id = attribute(element, 'id') ?? `${owner.id}.input${index + 1}`;
  const expressionElement = childNamed(element, 'inputExpression');
  const text = textOf(expressionElement);
  const label = attribute(element, 'label') ?? text.trim();
  const where = `decision '${owner.id}', input '${label || id}'`;
  if (!expressionElement || text.trim() === '') {
    problem(context, id, `${where}: the input expression is empty`, element);
    return null;
  }
  const language = attribute(expressionElement, 'expressionLanguage') ?? context.language;
  const expression = compiled(context, id, where, text, expressionElement, () =>
    compileExpression(feelText(text, language, true), context.names),
  );
  if (!expression) return null;
  return { id, label, expression, type: resolveTypeRef(attribute(expressionElement, 'typeRef'), context.items) };
}

function parseOutputs(
  owner: Owner,
  table: XmlElement,
  elements: XmlElement[],
  context: ParseContext,
): (TableOutput | null)[] {
  const seen = new Set<string>();
  return elements.map((element, index) => {
    const id = attribute(element, 'id') ?? `${owner.id}.output${index + 1}`;
    const single = elements.length === 1;
    const name = attribute(element, 'name') ?? (single ? owner.variableName : undefined);
    const where = `decision '${owner.id}', output '${name ?? id}'`;
    if (!name) {
      problem(context, id, `${where}: a table with several outputs names each one (name="…")`, element);
      return null;
    }
    if (seen.has(name)) problem(context, id, `${where}: two outputs are named '${name}'`, element);
    seen.add(name);
    const typeRef =
      attribute(element, 'typeRef') ?? (single ? (attribute(table, 'typeRef') ?? owner.typeRef) : undefined);
    const defaultElement = childNamed(element, 'defaultOutputEntry');
    const defaultText = textOf(defaultElement).trim();
    const language = (defaultElement && attribute(defaultElement, 'expressionLanguage')) ?? context.language;
    const defaultValue =
      defaultElement && defaultText
        ? compiled(context, id, `${where}, default output entry`, defaultText, defaultElement, () =>
            compileExpression(feelText(defaultText, language, true), context.names),
          )
        : null;
    return {
      id,
      label: attribute(element, 'label') ?? name,
      name,
      type: resolveTypeRef(typeRef, context.items),
      priorities: prioritiesOf(textOf(childNamed(element, 'outputValues')).trim()),
      defaultValue,
    };
  });
}

/** An output's `outputValues` as a list of values in priority order; null when absent or not a list of literals. */
function prioritiesOf(text: string): unknown[] | null {
  if (!text) return null;
  try {
    const list = evaluate(`[${text}]`).value;
    return Array.isArray(list) && list.every(isSimpleValue) ? list : null;
  } catch {
    return null;
  }
}

function parseRule(
  owner: Owner,
  element: XmlElement,
  index: number,
  inputs: readonly (TableInput | null)[],
  outputs: readonly (TableOutput | null)[],
  context: ParseContext,
): Rule | null {
  const id = attribute(element, 'id') ?? `${owner.id}.rule${index + 1}`;
  const where = `decision '${owner.id}', rule ${index + 1} (${id})`;
  const inputEntries = childrenNamed(element, 'inputEntry');
  const outputEntries = childrenNamed(element, 'outputEntry');
  if (inputEntries.length !== inputs.length || outputEntries.length !== outputs.length) {
    const counts = `${inputEntries.length} input and ${outputEntries.length} output entries`;
    problem(context, id, `${where}: ${counts} for ${inputs.length} inputs and ${outputs.length} outputs`, element);
    return null;
  }
  const tests = inputEntries.map((entry, i) => {
    const text = textOf(entry);
    const language = attribute(entry, 'expressionLanguage') ?? context.language;
    const column = `${where}, input '${inputs[i]?.label ?? i + 1}'`;
    return cell(context, `test ${language ?? ''} ${text}`, () =>
      compiled(context, id, column, text, entry, () =>
        compileUnaryTests(feelText(text, language, false), context.names),
      ),
    );
  });
  const conclusions = outputEntries.map((entry, i) => {
    const text = textOf(entry);
    if (text.trim() === '') return null;
    const language = attribute(entry, 'expressionLanguage') ?? context.language;
    const column = `${where}, output '${outputs[i]?.name ?? i + 1}'`;
    return cell(context, `expression ${language ?? ''} ${text}`, () =>
      compiled(context, id, column, text, entry, () =>
        compileExpression(feelText(text, language, true), context.names),
      ),
    );
  });
  if (tests.includes(null) || conclusions.some((c, i) => c === null && textOf(outputEntries[i]).trim() !== ''))
    return null;
  return {
    id,
    index: index + 1,
    inputEntries: tests as NonNullable<(typeof tests)[number]>[],
    outputEntries: conclusions,
  };
}

/**
 * A table's cells repeat (`true`, `"Fall", "Winter"`, `>= 18`); each distinct text is compiled
 * once per document. Compiled cells are pure functions of their text, so sharing is safe; a
 * failure is not kept, so every faulty cell is reported with its own rule.
 */
function cell<T>(context: ParseContext, key: string, compile: () => T | null): T | null {
  const known = context.cells.get(key) as T | undefined;
  if (known) return known;
  const made = compile();
  if (made) context.cells.set(key, made);
  return made;
}

/** What DMN requires of a table for its hit policy, checked at deploy rather than at the first evaluation. */
function checkPolicyFits(
  owner: Owner,
  element: XmlElement,
  hitPolicy: HitPolicy,
  aggregation: Aggregation | null,
  outputs: readonly (TableOutput | null)[],
  context: ParseContext,
): void {
  if (aggregation && outputs.length > 1) {
    problem(
      context,
      owner.id,
      `decision '${owner.id}': aggregation ${aggregation} applies to a single output; the table has ${outputs.length}`,
      element,
    );
  }
  if ((hitPolicy === 'PRIORITY' || hitPolicy === 'OUTPUT ORDER') && !outputs.some((o) => o?.priorities)) {
    problem(
      context,
      owner.id,
      `decision '${owner.id}': hit policy ${hitPolicy} orders by the outputs' output values; list them on an output (outputValues)`,
      element,
    );
  }
}
