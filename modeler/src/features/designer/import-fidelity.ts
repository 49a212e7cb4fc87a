import type { ModuleDeclaration } from 'didi';

/**
 * Draws what bpmn-js silently skips on import: the content of a process drawn inside an
 * expanded call activity (BPMN MIWG B.1.0, B.2.0). bpmn-js walks only the processes of the
 * collaboration's participants, so the called process's shapes — present in the diagram — were
 * never rendered. They are added over the call activity's shape after the walk; anything that
 * still cannot be drawn becomes an import warning instead of vanishing. The call activity and
 * that content are then locked against moving and resizing: bpmn-js would try to re-parent the
 * called process's elements into the call activity, which has no flow elements.
 *
 * It also keeps an exclusive gateway's DI as the file had it: the bpmn-js modeler turns a
 * missing `isMarkerVisible` (BPMN DI default: false) into `true` while importing, so a save
 * without change would add the X marker to every such gateway (BPMN MIWG A.2.1).
 */

interface Moddle {
  $type: string;
  id?: string;
  $parent?: Moddle;
  $instanceOf?(type: string): boolean;
  calledElement?: string;
  bpmnElement?: Moddle;
  plane?: { planeElement?: Moddle[] };
}

interface Shape {
  id: string;
  businessObject: Moddle;
  parent?: Shape;
  importedCallContent?: boolean;
}

interface EventBus {
  on(event: string, priority: number, callback: (event: Record<string, unknown>) => unknown): void;
  on(event: string, callback: (event: Record<string, unknown>) => unknown): void;
}

const is = (e: Moddle | undefined, type: string) => !!e?.$instanceOf?.(type);

function owningProcess(element: Moddle): Moddle | undefined {
  let e = element.$parent;
  while (e && !is(e, 'bpmn:Process')) e = e.$parent;
  return e;
}

function ExpandedCallActivityImporter(
  eventBus: EventBus,
  bpmnImporter: { add(semantic: Moddle, di: Moddle, parent: Shape): Shape },
  elementRegistry: { get(id: string): Shape | undefined; filter(fn: (e: Shape) => boolean): Shape[] },
  bpmnjs: { getDefinitions(): { diagrams?: Moddle[] } | undefined },
) {
  const markerDefaulted: Moddle[] = [];
  eventBus.on('import.render.start', (event) => {
    markerDefaulted.length = 0;
    const definitions = event.definitions as { diagrams?: Moddle[] } | undefined;
    for (const di of (definitions?.diagrams ?? []).flatMap((d) => d.plane?.planeElement ?? [])) {
      if (is(di.bpmnElement, 'bpmn:ExclusiveGateway') && !Object.prototype.hasOwnProperty.call(di, 'isMarkerVisible')) {
        // an own, undefined value makes the modeler's ElementFactory apply the DI default (false)
        (di as { isMarkerVisible?: boolean }).isMarkerVisible = undefined;
        markerDefaulted.push(di);
      }
    }
  });
  eventBus.on('import.done', () => {
    for (const di of markerDefaulted) {
      const d = di as { isMarkerVisible?: boolean };
      if (d.isMarkerVisible === false || d.isMarkerVisible === undefined) delete d.isMarkerVisible;
    }
    markerDefaulted.length = 0;
  });

  eventBus.on('import.render.complete', (event) => {
    const warnings = event.warnings as { message: string }[] | undefined;
    const definitions = bpmnjs.getDefinitions();
    if (!definitions) return;
    const missing = (definitions.diagrams ?? [])
      .flatMap((d) => d.plane?.planeElement ?? [])
      .filter((di) => di.bpmnElement?.id && !elementRegistry.get(di.bpmnElement.id));
    if (missing.length === 0) return;
    const callers = new Map<string, Shape>();
    for (const shape of elementRegistry.filter((e) => is(e.businessObject, 'bpmn:CallActivity'))) {
      const called = shape.businessObject.calledElement;
      if (called) callers.set(called, shape);
    }
    // Shapes before edges (an edge needs both ends drawn); a parent before its children.
    const pending = [...missing].sort((a, b) => Number(is(a, 'bpmndi:BPMNEdge')) - Number(is(b, 'bpmndi:BPMNEdge')));
    for (let progress = true; progress && pending.length;) {
      progress = false;
      for (const di of [...pending]) {
        const semantic = di.bpmnElement as Moddle;
        const process = owningProcess(semantic);
        const caller = process?.id ? callers.get(process.id) : undefined;
        if (!caller) continue;
        // bpmn-js draws every call activity collapsed and hides a collapsed shape's children, so
        // the called process's top level goes beside the call activity (same parent), on top of it.
        const parentId = semantic.$parent?.id;
        const parent =
          semantic.$parent === process ? caller.parent : parentId ? elementRegistry.get(parentId) : undefined;
        if (!parent) continue;
        try {
          const shape = bpmnImporter.add(semantic, di, parent);
          shape.importedCallContent = true;
          caller.importedCallContent = true;
        } catch (err) {
          warnings?.push({
            message: `cannot draw ${semantic.id}: ${err instanceof Error ? err.message : String(err)}`,
          });
        }
        pending.splice(pending.indexOf(di), 1);
        progress = true;
      }
    }
    for (const di of pending) {
      warnings?.push({ message: `${di.bpmnElement?.id ?? di.id} is in the diagram but outside any drawn process` });
    }
  });

  const locked = (elements: Shape[] | undefined) => (elements ?? []).some((e) => e.importedCallContent);
  // Rules see these before the modeler's own (priority 2000 > 1000).
  eventBus.on('commandStack.elements.move.canExecute', 2000, (e) =>
    locked((e.context as { shapes?: Shape[] }).shapes) ? false : undefined,
  );
  eventBus.on('commandStack.shape.resize.canExecute', 2000, (e) =>
    locked([(e.context as { shape: Shape }).shape]) ? false : undefined,
  );
}
ExpandedCallActivityImporter.$inject = ['eventBus', 'bpmnImporter', 'elementRegistry', 'bpmnjs'];

export const importFidelityModule: ModuleDeclaration = {
  __init__: ['expandedCallActivityImporter'],
  expandedCallActivityImporter: ['type', ExpandedCallActivityImporter],
};
