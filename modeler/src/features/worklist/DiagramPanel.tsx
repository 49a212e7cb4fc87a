import { useEffect, useRef, useState } from 'preact/hooks';
import { zoomToSteps } from '../../lib/diagram-zoom';
import { useT } from '../../lib/i18n';

interface Canvas {
  zoom(level: string): void;
  addMarker(id: string, marker: string): void;
}

/**
 * The process diagram (bpmn-js NavigatedViewer, loaded on demand) with the current step
 * highlighted and the steps already done marked.
 */
export function DiagramPanel({ xml, active, done }: { xml: string; active: string[]; done: string[] }) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const canvas = useRef<Canvas | null>(null);
  const viewerRef = useRef<{ get<T>(name: string): T } | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState('');
  const key = `${active.join(',')}|${done.join(',')}`;

  useEffect(() => {
    let disposed = false;
    let viewer: { destroy(): void } | null = null;
    (async () => {
      const [{ default: NavigatedViewer }] = await Promise.all([
        import('bpmn-js/lib/NavigatedViewer'),
        import('bpmn-js/dist/assets/diagram-js.css'),
        import('bpmn-js/dist/assets/bpmn-js.css'),
      ]);
      if (disposed || !container.current) return;
      const v = new NavigatedViewer({ container: container.current });
      viewer = v;
      await v.importXML(xml);
      if (disposed) return;
      const c = v.get<Canvas>('canvas');
      canvas.current = c;
      viewerRef.current = v;
      const registry = v.get<{ get(id: string): unknown }>('elementRegistry');
      for (const id of done) if (registry.get(id)) c.addMarker(id, 'step-done');
      for (const id of active) if (registry.get(id)) c.addMarker(id, 'step-current');
      zoomToSteps(v, active);
      setState('ready');
    })().catch((err: unknown) => {
      if (disposed) return;
      setError(err instanceof Error ? err.message : String(err));
      setState('error');
    });
    return () => {
      disposed = true;
      viewer?.destroy();
      canvas.current = null;
      viewerRef.current = null;
    };
  }, [xml, key]);

  return (
    <div class="diagram-panel">
      {state === 'loading' && <p class="loading">{t('task.diagram.loading')}</p>}
      {state === 'error' && <p role="alert">{t('task.diagram.error', { message: error })}</p>}
      <div ref={container} class="diagram" role="img" aria-label={t('task.diagram.label')} />
      {state === 'ready' && (
        <div class="diagram-zoom">
          <button
            type="button"
            class="small"
            onClick={() => viewerRef.current && zoomToSteps(viewerRef.current, active)}
          >
            {t('task.diagram.current')}
          </button>
          <button type="button" class="small" onClick={() => canvas.current?.zoom('fit-viewport')}>
            {t('task.diagram.fit')}
          </button>
        </div>
      )}
    </div>
  );
}
