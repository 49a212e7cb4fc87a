import { useEffect, useState } from 'preact/hooks';

/**
 * Short messages that say what happened ("已被 张三 于 10:32 签收"). Shown in a polite live
 * region by the shell, so screen readers announce them too; errors stay until dismissed.
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

export function showToast(kind: Toast['kind'], text: string): void {
  const toast = { id: nextId++, kind, text };
  toasts = [...toasts.slice(-4), toast];
  publish();
  if (kind !== 'error') setTimeout(() => dismissToast(toast.id), 6000);
}

export function useToasts(): Toast[] {
  const [value, setValue] = useState(toasts);
  useEffect(() => {
    listeners.add(setValue);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}
