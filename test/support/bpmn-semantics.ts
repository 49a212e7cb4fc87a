import { SaxesParser } from 'saxes';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import camundaPackage from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

/**
 * Reading BPMN files independently of bpmn-js, to judge what the browser did with them:
 * `diagramInterchange` lists what a file asks to be drawn (plain SAX, no moddle), and
 * `semanticTree` turns a document into a canonical tree (bpmn-moddle with the Camunda 7
 * package) so an original and its re-export can be compared element by element.
 */

export interface DiagramInterchange {
  /** bpmnElement of every BPMNShape, in document order. */
  shapes: string[];
  /** bpmnElement of every BPMNEdge. */
  edges: string[];
  /** bpmnElement of every BPMNPlane (the diagram roots). */
  planes: string[];
  /** Flow elements of processes and subprocesses (tasks, events, gateways, sequence flows, …). */
  flowElements: number;
}

const BPMN_MODEL = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const BPMN_DI = 'http://www.omg.org/spec/BPMN/20100524/DI';
const FLOW_CONTAINERS = new Set(['process', 'subProcess', 'transaction', 'adHocSubProcess']);
const NOT_FLOW_ELEMENTS = new Set([
  'laneSet',
  'lane',
  'flowNodeRef',
  'incoming',
  'outgoing',
  'documentation',
  'extensionElements',
  'ioSpecification',
  'property',
  'textAnnotation',
  'association',
  'group',
  'multiInstanceLoopCharacteristics',
  'standardLoopCharacteristics',
  'dataInputAssociation',
  'dataOutputAssociation',
  'auditing',
  'monitoring',
  'supportedInterfaceRef',
  'artifact',
  'resourceRole',
  'performer',
  'humanPerformer',
  'potentialOwner',
  'correlationSubscription',
]);

export function diagramInterchange(xml: string): DiagramInterchange {
  const parser = new SaxesParser({ xmlns: true });
  const result: DiagramInterchange = { shapes: [], edges: [], planes: [], flowElements: 0 };
  const stack: { uri: string; local: string }[] = [];
  parser.on('opentag', (tag) => {
    const uri = tag.uri ?? '';
    const local = tag.local ?? tag.name;
    const parent = stack[stack.length - 1];
    const attr = (name: string) => {
      const a = tag.attributes[name];
      return typeof a === 'string' ? a : a?.value;
    };
    if (uri === BPMN_DI) {
      const ref = attr('bpmnElement');
      if (ref && local === 'BPMNShape') result.shapes.push(ref);
      if (ref && local === 'BPMNEdge') result.edges.push(ref);
      if (ref && local === 'BPMNPlane') result.planes.push(ref);
    } else if (
      uri === BPMN_MODEL &&
      parent?.uri === BPMN_MODEL &&
      FLOW_CONTAINERS.has(parent.local) &&
      !NOT_FLOW_ELEMENTS.has(local)
    ) {
      result.flowElements++;
    }
    stack.push({ uri, local });
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return result;
}

export type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

interface Descriptor {
  properties: { name: string; isReference?: boolean; isMany?: boolean; isVirtual?: boolean }[];
}

/** Attributes a modeler writes about itself, not about the process. */
const TOOL_ATTRIBUTES = new Set(['exporter', 'exporterVersion']);

type Element = ModdleElement & { $descriptor?: Descriptor; $attrs?: Record<string, string> };

/**
 * A collection of elements with ids becomes a map by id, and a list of references a sorted
 * list: the order of flow elements, DI elements or incoming/outgoing references carries no
 * meaning, and tools reorder them. Lists without ids (waypoints, extension children) keep order.
 */
function canonicalList(items: unknown[], isReference: boolean): Canonical {
  const mapped = items.map((v) => canonical(v, isReference));
  if (isReference) return [...mapped].sort((a, b) => String(a).localeCompare(String(b)));
  const ids = items.map((v) => (v && typeof v === 'object' ? (v as { id?: unknown }).id : undefined));
  if (ids.every((id) => typeof id === 'string') && new Set(ids).size === ids.length) {
    const entries = ids.map((id, i): [string, Canonical] => [`#${id as string}`, mapped[i]!]);
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  }
  return mapped;
}

function canonical(value: unknown, isReference = false): Canonical {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return canonicalList(value, isReference);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  const element = value as Element;
  if (isReference) return `#${element.id ?? '?'}`;
  const out: { [key: string]: Canonical } = { $type: element.$type };
  const names = element.$descriptor?.properties
    ? element.$descriptor.properties.filter((p) => !p.isVirtual)
    : Object.keys(element)
        .filter((k) => !k.startsWith('$') || k === '$body' || k === '$children')
        .map((name) => ({ name, isReference: false }));
  for (const p of names) {
    if (TOOL_ATTRIBUTES.has(p.name) || (element.$type === 'bpmn:Definitions' && p.name === 'diagrams')) continue;
    const v = (element as Record<string, unknown>)[p.name];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[p.name] = canonical(v, p.isReference);
  }
  for (const [k, v] of Object.entries(element.$attrs ?? {})) {
    if (k.startsWith('xmlns')) continue;
    // xsi:type naming the element's own type (`<di:waypoint xsi:type="dc:Point">`) says nothing more
    if (k === 'xsi:type' && v.split(':').pop() === element.$type.split(':').pop()) continue;
    out[`@${k}`] = v;
  }
  return out;
}

/**
 * The drawing, as what is drawn where: every DI shape or edge by the element it draws, across
 * all diagrams. Which diagram holds a shape is left out on purpose — bpmn-js moves the content
 * of a collapsed subprocess drawn in its parent's plane into a diagram of its own.
 */
function drawing(definitions: Element): Canonical {
  const out: { [key: string]: Canonical } = {};
  const diagrams = (definitions as unknown as { diagrams?: Element[] }).diagrams ?? [];
  for (const diagram of diagrams) {
    const plane = (diagram as unknown as { plane?: Element & { planeElement?: Element[] } }).plane;
    for (const di of plane?.planeElement ?? []) {
      const target = (di as unknown as { bpmnElement?: { id?: string } }).bpmnElement?.id ?? `?${di.id ?? ''}`;
      out[target] = canonical(di);
    }
  }
  return out;
}

/** Reads a .bpmn file's bytes in the encoding its prolog declares, relabelled as UTF-8 (as the browser upload does). */
export function decodeBpmnBytes(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const encoding = /^\uFEFF?<\?xml[^>]*encoding\s*=\s*["']([\w.-]+)["']/.exec(head)?.[1] ?? 'utf-8';
  const text = new TextDecoder(encoding.toLowerCase()).decode(bytes);
  return text.replace(/^(\uFEFF?<\?xml[^>]*encoding\s*=\s*["'])[^"']+(["'])/, '$1UTF-8$2');
}

export async function semanticTree(xml: string): Promise<Canonical> {
  const moddle = new BpmnModdle({ camunda: camundaPackage });
  const { rootElement, warnings } = await moddle.fromXML(xml);
  if (warnings.length) throw new Error(`unparseable BPMN: ${warnings.map((w) => w.message).join('; ')}`);
  return { model: canonical(rootElement), drawing: drawing(rootElement as Element) };
}

/** Paths where two canonical trees differ (at most `limit`), e.g. `rootElements[0].flowElements[3].candidateGroups`. */
export function differences(a: Canonical, b: Canonical, limit = 20, path = ''): string[] {
  const out: string[] = [];
  const walk = (x: Canonical, y: Canonical, p: string) => {
    if (out.length >= limit) return;
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) out.push(`${p}: ${x.length} items → ${y.length} items`);
      for (let i = 0; i < Math.min(x.length, y.length); i++) walk(x[i]!, y[i]!, `${p}[${i}]`);
      return;
    }
    if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        const label = `${p}${p ? '.' : ''}${k}${typeof x.id === 'string' ? `(${x.id})` : ''}`;
        if (!(k in y)) out.push(`${label}: lost`);
        else if (!(k in x)) out.push(`${label}: added`);
        else walk(x[k]!, y[k]!, label);
      }
      return;
    }
    if (x !== y) out.push(`${p}: ${JSON.stringify(x)} → ${JSON.stringify(y)}`);
  };
  walk(a, b, path);
  return out;
}
