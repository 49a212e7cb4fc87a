import type NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { useEffect, useRef, useState } from 'preact/hooks';
import { canvasOf, createReadOnlyViewer } from './viewer';

export interface ViewerState {
  viewer: NavigatedViewer | null;
  warnings: number;
  error: string | null;
  /** Counts imports, so effects depending on the diagram rerun when the same viewer imports again. */
  generation: number;
}

/** Mounts a read-only viewer in the returned ref's element and imports `xml` whenever it changes. */
export function useReadOnlyViewer(xml: string | null) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ViewerState>({ viewer: null, warnings: 0, error: null, generation: 0 });
  const viewerRef = useRef<NavigatedViewer | null>(null);

  useEffect(() => {
    if (!container.current) return undefined;
    const viewer = createReadOnlyViewer(container.current);
    viewerRef.current = viewer;
    return () => {
      viewer.destroy();
      viewerRef.current = null;
    };
  }, []);

  useEffect(() => {
    const viewer = viewerRef.current;
    if (!viewer || xml === null) return;
    let cancelled = false;
    viewer
      .importXML(xml)
      .then(({ warnings }) => {
        if (cancelled) return;
        canvasOf(viewer).zoom('fit-viewport', 'auto');
        setState((s) => ({ viewer, warnings: warnings.length, error: null, generation: s.generation + 1 }));
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        const error = err instanceof Error ? err.message : String(err);
        setState((s) => ({ viewer: null, warnings: 0, error, generation: s.generation + 1 }));
      });
    return () => {
      cancelled = true;
    };
  }, [xml]);

  return { container, ...state };
}
