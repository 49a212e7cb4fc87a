import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../../lib/i18n';
import { zoomToSteps } from '../../lib/diagram-zoom';

interface Shape {
  id: string;
  type: string;
  width?: number;
  height?: number;
  source?: { id: string };
  target?: { id: string };
  businessObject?: { name?: string };
}
interface Viewer {
  importXML(xml: string): Promise<unknown>;
  get<T>(name: string): T;
  destroy(): void;
}
/** The elements a monitor lists instances of: tasks, sub-processes, call activities and events. */
function isStep(shape: Shape): boolean {
  return /Task|SubProcess|CallActivity|Event$/.test(shape.type) && !/Process$/.test(shape.type);
}

interface Overlays {
  add(id: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): void;
  remove(filter: { type: string }): void;
}

/** What one element shows: a badge with the tokens waiting there, and a heat from 0 (cool) to 1 (hot). */
export interface ElementMark {
  tokens: number;
  heat: number | null;
  title?: string;
}

/**
 * The process diagram (bpmn-js NavigatedViewer, loaded on demand) with live figures as overlays —
 * token badges and a duration heat on every step — or the path an instance took.
 */
export function ProcessDiagram(props: {
  xml: string;
  marks?: Map<string, ElementMark>;
  done?: string[];
  active?: string[];
  onSelect?: (elementId: string, name: string) => void;
  label: string;
}) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const viewer = useRef<Viewer | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onSelect = useRef(props.onSelect);
  onSelect.current = props.onSelect;

  useEffect(() => {
    let disposed = false;
    setReady(false);
    (async () => {
      const [{ default: NavigatedViewer }] = await Promise.all([
        import('bpmn-js/lib/NavigatedViewer'),
        import('bpmn-js/dist/assets/diagram-js.css'),
        import('bpmn-js/dist/assets/bpmn-js.css'),
      ]);
      if (disposed || !container.current) return;
      const v = new NavigatedViewer({ container: container.current }) as unknown as Viewer;
      viewer.current = v;
      await v.importXML(props.xml);
      if (disposed) return;
      zoomToSteps(v, props.active ?? []);
      v.get<{ on(event: string, cb: (e: { element: Shape }) => void): void }>('eventBus').on('element.click', (e) => {
        if (isStep(e.element)) onSelect.current?.(e.element.id, e.element.businessObject?.name ?? e.element.id);
      });
      setReady(true);
    })().catch((err: unknown) => !disposed && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      disposed = true;
      viewer.current?.destroy();
      viewer.current = null;
    };
  }, [props.xml]);

  useEffect(() => {
    const v = viewer.current;
    if (!ready || !v) return;
    const overlays = v.get<Overlays>('overlays');
    const registry = v.get<{ get(id: string): Shape | undefined; getAll(): Shape[] }>('elementRegistry');
    const canvas = v.get<{ addMarker(id: string, m: string): void; removeMarker(id: string, m: string): void }>(
      'canvas',
    );
    overlays.remove({ type: 'monitor' });
    const selectable = !!onSelect.current;
    for (const shape of registry.getAll()) {
      const mark = props.marks?.get(shape.id);
      const name = shape.businessObject?.name ?? shape.id;
      // A step is one button over its shape: the heat colours it, a click or Enter/Space on it
      // lists its instances, and nothing laid over the shape can swallow the click.
      if (selectable && isStep(shape) && (mark || props.marks)) {
        const step = document.createElement('button');
        step.type = 'button';
        step.className = 'monitor-step';
        step.dataset.element = shape.id;
        step.style.width = `${shape.width ?? 0}px`;
        step.style.height = `${shape.height ?? 0}px`;
        if (mark?.heat !== null && mark?.heat !== undefined)
          step.style.background = `hsla(${Math.round(120 - 120 * mark.heat)}, 85%, 50%, 0.35)`;
        if (mark?.title) step.title = mark.title;
        step.setAttribute('aria-label', t('monitor.diagram.step', { element: name, count: mark?.tokens ?? 0 }));
        step.addEventListener('click', () => onSelect.current?.(shape.id, name));
        overlays.add(shape.id, 'monitor', { position: { top: 0, left: 0 }, html: step });
      } else if (mark && mark.heat !== null) {
        const heat = document.createElement('div');
        heat.className = 'monitor-heat';
        heat.style.width = `${shape.width ?? 0}px`;
        heat.style.height = `${shape.height ?? 0}px`;
        heat.style.background = `hsla(${Math.round(120 - 120 * mark.heat)}, 85%, 50%, 0.35)`;
        if (mark.title) heat.title = mark.title;
        overlays.add(shape.id, 'monitor', { position: { top: 0, left: 0 }, html: heat });
      }
      if (!mark) continue;
      const badge = document.createElement('span');
      badge.className = mark.tokens > 0 ? 'monitor-badge' : 'monitor-badge monitor-badge-zero';
      badge.dataset.element = shape.id;
      badge.dataset.testid = `badge-${shape.id}`;
      badge.textContent = String(mark.tokens);
      badge.setAttribute('aria-label', t('monitor.diagram.badge', { element: name, count: mark.tokens }));
      overlays.add(shape.id, 'monitor', { position: { top: -10, right: 10 }, html: badge });
    }
    const visited = new Set([...(props.done ?? []), ...(props.active ?? [])]);
    for (const shape of registry.getAll()) {
      for (const marker of ['step-done', 'step-current', 'flow-taken']) canvas.removeMarker(shape.id, marker);
      if (props.done?.includes(shape.id)) canvas.addMarker(shape.id, 'step-done');
      if (props.active?.includes(shape.id)) canvas.addMarker(shape.id, 'step-current');
      // A flow was taken when the step before it finished and the step after it started.
      if (shape.type === 'bpmn:SequenceFlow' && shape.source && shape.target) {
        if (props.done?.includes(shape.source.id) && visited.has(shape.target.id)) {
          canvas.addMarker(shape.id, 'flow-taken');
        }
      }
    }
  }, [ready, props.marks, props.done, props.active]);

  return (
    <div class="monitor-diagram-panel">
      {!ready && !error && <p class="loading">{t('app.loading')}</p>}
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      <div ref={container} class="monitor-diagram" role="img" aria-label={props.label} data-ready={ready} />
    </div>
  );
}
