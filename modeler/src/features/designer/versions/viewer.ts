import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { importFidelityModule } from '../import-fidelity';
import { camundaModdleExtensions } from '../modeler-config';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './versions.css';

/** A read-only, navigable (pan/zoom) diagram of a deployed version, with the Camunda moddle. */
export function createReadOnlyViewer(container: HTMLElement): NavigatedViewer {
  return new NavigatedViewer({
    container,
    moddleExtensions: camundaModdleExtensions,
    additionalModules: [importFidelityModule],
  });
}

export interface CanvasLike {
  zoom(level: 'fit-viewport' | number, center?: 'auto'): number;
  viewbox(box?: { x: number; y: number; width: number; height: number }): {
    x: number;
    y: number;
    width: number;
    height: number;
  };
  addMarker(element: string, marker: string): void;
  scrollToElement(element: string): void;
}

export interface SelectionLike {
  select(element: unknown): void;
}

export interface RegistryLike {
  get(id: string): unknown;
}

export function canvasOf(viewer: NavigatedViewer): CanvasLike {
  return viewer.get<CanvasLike>('canvas');
}

export function registryOf(viewer: NavigatedViewer): RegistryLike {
  return viewer.get<RegistryLike>('elementRegistry');
}

/** Keeps two viewers looking at the same part of their diagrams (the diff's side-by-side view). */
export function syncViewboxes(a: NavigatedViewer, b: NavigatedViewer): () => void {
  let syncing = false;
  const follow = (from: NavigatedViewer, to: NavigatedViewer) => () => {
    if (syncing) return;
    syncing = true;
    try {
      canvasOf(to).viewbox(canvasOf(from).viewbox());
    } finally {
      syncing = false;
    }
  };
  const aToB = follow(a, b);
  const bToA = follow(b, a);
  a.on('canvas.viewbox.changed', aToB);
  b.on('canvas.viewbox.changed', bToA);
  return () => {
    a.off('canvas.viewbox.changed', aToB);
    b.off('canvas.viewbox.changed', bToA);
  };
}
