interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface ZoomCanvas {
  zoom(level: string | number): number;
  viewbox(box?: Box): Box & { scale: number; outer: { width: number; height: number } };
}
interface ZoomViewer {
  get<T>(name: string): T;
}

/** Below this scale a fitted diagram's labels are too small to read. */
const READABLE = 0.8;

/**
 * Opens a diagram where the work is: the whole diagram when it fits readably, else the current
 * steps at 100 % (smaller only when they are spread wider than the view), centred.
 */
export function zoomToSteps(viewer: ZoomViewer, stepIds: string[]): void {
  const canvas = viewer.get<ZoomCanvas>('canvas');
  const fitted = canvas.zoom('fit-viewport');
  const registry = viewer.get<{ get(id: string): Partial<Box> | undefined }>('elementRegistry');
  const shapes = stepIds
    .map((id) => registry.get(id))
    .filter((s): s is Box => !!s && typeof s.x === 'number' && typeof s.width === 'number');
  if (fitted >= READABLE || shapes.length === 0) return;
  const left = Math.min(...shapes.map((s) => s.x));
  const top = Math.min(...shapes.map((s) => s.y));
  const right = Math.max(...shapes.map((s) => s.x + s.width));
  const bottom = Math.max(...shapes.map((s) => s.y + s.height));
  const { outer } = canvas.viewbox();
  const margin = 80;
  const scale = Math.max(
    fitted,
    Math.min(1, outer.width / (right - left + 2 * margin), outer.height / (bottom - top + 2 * margin)),
  );
  const width = outer.width / scale;
  const height = outer.height / scale;
  canvas.viewbox({ x: (left + right) / 2 - width / 2, y: (top + bottom) / 2 - height / 2, width, height });
}
