import { checkXmlSafety } from '../engine/xml-safety.js';
import { formatLintMessage } from '../lint/messages.js';
import { dmnRefused } from './errors.js';
import { compileExpression, feelText } from './feel.js';
import { DEFAULT_DMN_LIMITS, type DmnLimits } from './limits.js';
import type { Decision, DmnDefinitions, InputData } from './model.js';
import { compiled, problem, textOf, type ParseContext } from './parse-context.js';
import { parseDecisionTable } from './table.js';
import { resolveTypeRef, type ItemDefinition } from './types.js';
import { attribute, childNamed, childrenNamed, readXml, type XmlElement } from './xml.js';

/**
 * Parsed with our own reader over saxes rather than dmn-moddle: one pass, synchronous (a
 * business rule task evaluates inside an engine step), every DMN namespace from 1.1 — which
 * Camunda Modeler wrote for years — to 1.5 read alike (dmn-moddle reads 1.3 only and needs
 * dmn-migrate before it), and each problem reported with its element's line.
 */
export const DMN_NAMESPACES: ReadonlySet<string> = new Set([
  'http://www.omg.org/spec/DMN/20151101/dmn.xsd',
  'http://www.omg.org/spec/DMN/20180521/MODEL/',
  'https://www.omg.org/spec/DMN/20191111/MODEL/',
  'https://www.omg.org/spec/DMN/20211108/MODEL/',
  'https://www.omg.org/spec/DMN/20230324/MODEL/',
]);

/** Children of a decision that describe it; any other child is its decision logic. */
const DECISION_METADATA = new Set([
  'description',
  'extensionElements',
  'question',
  'allowedAnswers',
  'variable',
  'informationRequirement',
  'knowledgeRequirement',
  'authorityRequirement',
  'supportedObjective',
  'impactedPerformanceIndicator',
  'decisionMaker',
  'decisionOwner',
  'usingProcess',
  'usingTask',
]);

/**
 * Reads, checks and compiles a DMN document. Throws `Invalid` (DMN_INVALID, or DMN_UNSUPPORTED
 * when only unsupported features stand in the way) with one `{ element, reason }` per problem.
 */
export function parseDmn(xml: string, limits: DmnLimits = DEFAULT_DMN_LIMITS): DmnDefinitions {
  const root = readDocument(xml, limits);
  const context: ParseContext = {
    limits,
    items: itemDefinitions(root),
    names: {},
    language: attribute(root, 'expressionLanguage'),
    problems: [],
    cells: new Map(),
  };
  for (const name of documentNames(root)) context.names[name] = null;
  for (const imported of childrenNamed(root, 'import')) {
    const what = attribute(imported, 'namespace') ?? attribute(imported, 'locationURI') ?? '?';
    problem(context, 'import', `imports are not supported (${what})`, imported, true);
  }
  const inputData = childrenNamed(root, 'inputData').map((element) => readInputData(element, context));
  const decisions = new Map<string, Decision>();
  const decisionElements = childrenNamed(root, 'decision');
  if (decisionElements.length > limits.maxDecisions) {
    problem(context, 'definitions', `${decisionElements.length} decisions, at most ${limits.maxDecisions}`, root);
  } else {
    const refused = new Set<string>();
    for (const element of decisionElements) {
      const decision = readDecision(element, inputData, context);
      if (!decision) {
        refused.add(attribute(element, 'id') ?? '');
        continue;
      }
      if (decisions.has(decision.id))
        problem(context, decision.id, `two decisions have the id '${decision.id}'`, element);
      decisions.set(decision.id, decision);
    }
    checkRequirements(decisions, refused, context);
  }
  if (context.problems.length) throw dmnRefused(context.problems);
  return {
    id: attribute(root, 'id') ?? '',
    name: attribute(root, 'name') ?? attribute(root, 'id') ?? '',
    namespace: attribute(root, 'namespace') ?? '',
    decisions,
    inputData,
    itemDefinitions: context.items,
  };
}

function readDocument(xml: string, limits: DmnLimits): XmlElement {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > limits.maxXmlBytes) {
    throw dmnRefused([
      { element: 'definitions', reason: `the document has ${bytes} bytes, at most ${limits.maxXmlBytes}` },
    ]);
  }
  const unsafe = checkXmlSafety(xml);
  if (unsafe.length) {
    // The BPMN side's message names BPMN files; the rule is the same for DMN.
    const doctype = formatLintMessage('document.doctype', {});
    throw dmnRefused(
      unsafe.map((p) => ({
        ...p,
        element: 'definitions',
        reason: p.reason === doctype ? 'DOCTYPE declarations (and entities) are not allowed in DMN files' : p.reason,
      })),
    );
  }
  const root = readXml(xml);
  if (root.name !== 'definitions' || !DMN_NAMESPACES.has(root.ns)) {
    throw dmnRefused([
      {
        element: root.name,
        reason: `not a DMN 1.1–1.5 document: the root is {${root.ns}}${root.name}, not a DMN definitions element`,
      },
    ]);
  }
  return root;
}

function itemDefinitions(root: XmlElement): Map<string, ItemDefinition> {
  const items = new Map<string, ItemDefinition>();
  for (const element of childrenNamed(root, 'itemDefinition')) {
    const name = attribute(element, 'name');
    if (!name) continue;
    const structured = attribute(element, 'isCollection') === 'true' || childNamed(element, 'itemComponent');
    const typeRef = structured
      ? undefined
      : (childNamed(element, 'typeRef')?.text.trim() ?? attribute(element, 'typeRef'));
    items.set(name, { name, typeRef });
  }
  return items;
}

/** Every name a FEEL text of this document may use: input data, decisions, item components. */
function documentNames(root: XmlElement): Set<string> {
  const names = new Set<string>();
  const visit = (element: XmlElement) => {
    for (const child of element.children) {
      if (child.ns !== root.ns) continue;
      if (
        ['inputData', 'decision', 'itemComponent', 'variable', 'output', 'businessKnowledgeModel'].includes(child.name)
      ) {
        const name = attribute(child, 'name');
        if (name) names.add(name);
      }
      visit(child);
    }
  };
  visit(root);
  return names;
}

function readInputData(element: XmlElement, context: ParseContext): InputData {
  const variable = childNamed(element, 'variable');
  const id = attribute(element, 'id') ?? '';
  const name = (variable && attribute(variable, 'name')) ?? attribute(element, 'name') ?? id;
  return { id, name, type: resolveTypeRef(variable && attribute(variable, 'typeRef'), context.items) };
}

function readDecision(element: XmlElement, inputData: readonly InputData[], context: ParseContext): Decision | null {
  const id = attribute(element, 'id');
  const name = attribute(element, 'name') ?? id;
  if (!id || !name) {
    problem(context, name ?? 'decision', `a decision has no id`, element);
    return null;
  }
  const variable = childNamed(element, 'variable');
  const base = {
    id,
    name,
    variableName: (variable && attribute(variable, 'name')) ?? name,
    ...requirements(id, element, inputData, context),
  };
  const logic = element.children.filter((c) => c.ns === element.ns && !DECISION_METADATA.has(c.name));
  const [body, ...extra] = logic;
  if (childNamed(element, 'knowledgeRequirement')) {
    problem(context, id, `decision '${id}': business knowledge models are not supported`, element, true);
    return null;
  }
  if (!body) {
    // DMN lets a decision without logic stand in a diagram, for a decision service to supply.
    const reason = `decision '${id}' has no decision logic; only decision tables and literal expressions are evaluated`;
    problem(context, id, reason, element, true);
    return null;
  }
  if (extra.length) {
    problem(context, id, `decision '${id}' has ${logic.length} decision logic elements, one is allowed`, element);
    return null;
  }
  const typeRef = variable && attribute(variable, 'typeRef');
  if (body.name === 'decisionTable') {
    const table = parseDecisionTable({ id, variableName: base.variableName, typeRef }, body, context);
    return table ? { ...base, kind: 'decisionTable', table } : null;
  }
  if (body.name === 'literalExpression') {
    const text = textOf(body);
    const where = `decision '${id}', literal expression`;
    if (text.trim() === '') {
      problem(context, id, `${where}: the expression is empty`, body);
      return null;
    }
    const language = attribute(body, 'expressionLanguage') ?? context.language;
    const expression = compiled(context, id, where, text, body, () =>
      compileExpression(feelText(text, language, true), context.names),
    );
    const type = resolveTypeRef(attribute(body, 'typeRef') ?? typeRef, context.items);
    return expression ? { ...base, kind: 'literalExpression', expression, type } : null;
  }
  problem(
    context,
    id,
    `decision '${id}': a ${body.name} is not supported; only decision tables and literal expressions are evaluated`,
    body,
    true,
  );
  return null;
}

function requirements(id: string, element: XmlElement, inputData: readonly InputData[], context: ParseContext) {
  const requiredDecisions: string[] = [];
  const requiredInputs: string[] = [];
  for (const requirement of childrenNamed(element, 'informationRequirement')) {
    for (const reference of requirement.children) {
      const href = attribute(reference, 'href') ?? '';
      const target = href.startsWith('#') ? href.slice(1) : href;
      if (href.includes('#') && !href.startsWith('#')) {
        problem(
          context,
          id,
          `decision '${id}' requires '${href}' from another document; imports are not supported`,
          reference,
          true,
        );
      } else if (reference.name === 'requiredDecision') {
        requiredDecisions.push(target);
      } else if (reference.name === 'requiredInput') {
        requiredInputs.push(inputData.find((i) => i.id === target)?.name ?? target);
      }
    }
  }
  return { requiredDecisions, requiredInputs };
}

/** Every required decision exists, and the requirement graph has no cycle. */
function checkRequirements(
  decisions: ReadonlyMap<string, Decision>,
  refused: ReadonlySet<string>,
  context: ParseContext,
): void {
  for (const decision of decisions.values()) {
    for (const required of decision.requiredDecisions) {
      if (!decisions.has(required) && !refused.has(required)) {
        problem(
          context,
          decision.id,
          `decision '${decision.id}' requires decision '${required}', which the document lacks`,
        );
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): boolean => {
    if (state.get(id) === 'done') return false;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      problem(context, id, `decision requirements form a cycle: ${cycle.join(' → ')}`);
      return true;
    }
    state.set(id, 'visiting');
    for (const required of decisions.get(id)?.requiredDecisions ?? []) {
      if (decisions.has(required) && visit(required, [...path, id])) return true;
    }
    state.set(id, 'done');
    return false;
  };
  for (const id of decisions.keys()) if (visit(id, [])) break;
}
