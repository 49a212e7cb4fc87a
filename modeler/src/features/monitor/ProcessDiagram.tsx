import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../../lib/i18n';

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
      v.get<{ zoom(level: string): void }>('canvas').zoom('fit-viewport');
      v.get<{ on(event: string, cb: (e: { element: Shape }) => void): void }>('eventBus').on('element.click', (e) => {
        if (/Task|SubProcess|CallActivity|Event$/.test(e.element.type) && !/Process$/.test(e.element.type)) {
          onSelect.current?.(e.element.id, e.element.businessObject?.name ?? e.element.id);
        }
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
    for (const [id, mark] of props.marks ?? []) {
      const shape = registry.get(id);
      if (!shape) continue;
      if (mark.heat !== null) {
        const heat = document.createElement('div');
        heat.className = 'monitor-heat';
        heat.style.width = `${shape.width ?? 0}px`;
        heat.style.height = `${shape.height ?? 0}px`;
        heat.style.background = `hsla(${Math.round(120 - 120 * mark.heat)}, 85%, 50%, 0.35)`;
        if (mark.title) heat.title = mark.title;
        overlays.add(id, 'monitor', { position: { top: 0, left: 0 }, html: heat });
      }
      const badge = document.createElement('span');
      badge.className = mark.tokens > 0 ? 'monitor-badge' : 'monitor-badge monitor-badge-zero';
      badge.dataset.element = id;
      badge.dataset.testid = `badge-${id}`;
      badge.textContent = String(mark.tokens);
      badge.setAttribute(
        'aria-label',
        t('monitor.diagram.badge', { element: shape.businessObject?.name ?? id, count: mark.tokens }),
      );
      overlays.add(id, 'monitor', { position: { top: -10, right: 10 }, html: badge });
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
