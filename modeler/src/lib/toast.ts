import { useEffect, useState } from 'preact/hooks';

/**
 * Short messages that say what happened ("已被 张三 于 10:32 签收"). Shown in a polite live
 * region by the shell, so screen readers announce them too. They never pile up: the same words
 * again replace the earlier toast, at most three show at once, and every toast goes by itself
 * (errors stay longer, long enough to read twice).
 */
export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<(t: Toast[]) => void>();

function publish() {
  for (const listener of listeners) listener(toasts);
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  publish();
}

const MAX_SHOWN = 3;
const SHOWN_MS = { success: 5000, info: 5000, error: 12000 } as const;

export function showToast(kind: Toast['kind'], text: string): void {
  const toast = { id: nextId++, kind, text };
  const others = toasts.filter((t) => t.text !== text || t.kind !== kind);
  toasts = [...others.slice(-(MAX_SHOWN - 1)), toast];
  publish();
  setTimeout(() => dismissToast(toast.id), SHOWN_MS[kind]);
}

export function useToasts(): Toast[] {
  const [value, setValue] = useState(toasts);
  useEffect(() => {
    listeners.add(setValue);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}
