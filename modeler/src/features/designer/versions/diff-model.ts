import { diff, type DiffResult } from 'bpmn-js-differ';
import type { ModdleElement } from 'bpmn-js/lib/model/Types';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'layout';

export interface Change {
  kind: ChangeKind;
  id: string;
  type: string;
  name: string | null;
  /** For 'changed': `attribute: old → new`, one entry per attribute. */
  details: string[];
}

/** Which marker each kind puts on which side: removed on the older diagram, added on the newer. */
export const MARKER: Record<ChangeKind, string> = {
  added: 'diff-added',
  removed: 'diff-removed',
  changed: 'diff-changed',
  layout: 'diff-layout',
};

function short(value: unknown): string {
  if (value === undefined || value === null || value === '') return '∅';
  if (typeof value === 'object') {
    const element = value as { $type?: string; id?: string; body?: string; name?: string };
    if (element.body !== undefined) return JSON.stringify(element.body);
    if (element.id) return element.id;
    if (element.$type) return element.$type;
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
  }
  // references are serialized as "#ref:<id>"
  if (typeof value === 'string' && value.startsWith('#ref:')) return value.slice(5);
  return JSON.stringify(value);
}

function describe(kind: ChangeKind, element: ModdleElement, details: string[] = []): Change {
  const e = element as unknown as { id?: string; $type?: string; name?: string };
  return { kind, id: e.id ?? '', type: (e.$type ?? '').replace(/^bpmn:/, ''), name: e.name ?? null, details };
}

/** The changes from `older` to `newer` (bpmn-js-differ over the two moddle trees), in a stable order. */
export function compareDefinitions(older: ModdleElement, newer: ModdleElement): Change[] {
  const result: DiffResult = diff(older, newer);
  const changes: Change[] = [
    ...Object.values(result._added).map((e) => describe('added', e)),
    ...Object.values(result._removed).map((e) => describe('removed', e)),
    ...Object.values(result._changed).map((c) =>
      describe(
        'changed',
        c.model,
        // bpmn-js-differ 3.2 hands jsondiffpatch's [old, new] pair over as (newValue, oldValue):
        // its `oldValue` holds the newer value. Read them crosswise; the diff test pins the direction.
        Object.entries(c.attrs).map(([attr, v]) => `${attr}: ${short(v.newValue)} → ${short(v.oldValue)}`),
      ),
    ),
    // An element both changed and moved is listed once, as changed.
    ...Object.values(result._layoutChanged)
      .filter((e) => !result._changed[(e as unknown as { id: string }).id])
      .map((e) => describe('layout', e)),
  ];
  const order: ChangeKind[] = ['added', 'removed', 'changed', 'layout'];
  return changes.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.id.localeCompare(b.id));
}
