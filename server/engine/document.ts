import BpmnModdle, { type ModdleElement, type ParseResult } from 'bpmn-moddle';
import camundaPackage from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { Invalid } from '../lib/errors.js';
import { formatLintMessage } from '../lint/messages.js';
import { checkXmlSafety } from './xml-safety.js';

/**
 * Camunda 7 writes `camunda:decisionRefVersionTag` on a business rule task bound by version tag,
 * an attribute camunda-bpmn-moddle 8 does not declare (it would read as an unknown attribute).
 */
function withDecisionRefVersionTag(pkg: typeof camundaPackage): typeof camundaPackage {
  const types = pkg.types.map((type) => {
    const properties: { name: string }[] = type.properties ?? [];
    if (type.name !== 'DmnCapable' || properties.some((p) => p.name === 'decisionRefVersionTag')) return type;
    return { ...type, properties: [...properties, { name: 'decisionRefVersionTag', isAttr: true, type: 'String' }] };
  });
  return { ...pkg, types } as typeof camundaPackage;
}

/**
 * Camunda 7's parser ignores attributes it does not read, and Camunda tools have written
 * `camunda:historyTimeToLive` on bpmn:definitions as well as on the process (the camunda-bpm-
 * examples do): declared here so such a file reads as Camunda reads it. Only the process's value
 * means anything there.
 */
function withDefinitionsHistoryTimeToLive(pkg: typeof camundaPackage): typeof camundaPackage {
  const type = {
    name: 'DefinitionsHistoryTimeToLive',
    isAbstract: true,
    extends: ['bpmn:Definitions'],
    properties: [{ name: 'historyTimeToLive', isAttr: true, type: 'String' }],
  };
  return { ...pkg, types: [...pkg.types, type] };
}

export const moddlePackages = {
  camunda: withDefinitionsHistoryTimeToLive(withDecisionRefVersionTag(camundaPackage)),
};

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unparsable';
}

/**
 * Reads a BPMN document as both the deploy lint and the engine's compile do: safe, well-formed
 * XML (no DOCTYPE), parsed by bpmn-moddle with the camunda extension without a warning, rooted
 * in bpmn:definitions. Throws `Invalid` (BPMN_XML_INVALID or BPMN_INVALID) otherwise.
 */
export async function readBpmnDocument(xml: string): Promise<ParseResult & { rootElement: ModdleElement }> {
  const xmlProblems = checkXmlSafety(xml);
  if (xmlProblems.length) {
    throw new Invalid('BPMN_XML_INVALID', xmlProblems[0]?.reason ?? 'invalid XML', xmlProblems);
  }
  let parsed: ParseResult;
  try {
    parsed = await new BpmnModdle(moddlePackages).fromXML(xml.trim());
  } catch (err) {
    const problem = firstLine(err);
    throw new Invalid('BPMN_INVALID', formatLintMessage('document.unreadable', { problem }), [{ reason: problem }]);
  }
  const warnings = parsed.warnings.map((w) => ({ element: w.element?.id, reason: firstLine(w.message) }));
  if (warnings.length) {
    const params = { count: String(warnings.length), problem: warnings[0]?.reason ?? '' };
    throw new Invalid('BPMN_INVALID', formatLintMessage('document.problems', params), warnings);
  }
  if (parsed.rootElement.$type !== 'bpmn:Definitions') {
    throw new Invalid('BPMN_INVALID', formatLintMessage('document.not-definitions', {}));
  }
  return parsed;
}
