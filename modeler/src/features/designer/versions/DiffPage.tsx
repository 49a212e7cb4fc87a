import type NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useT } from '../../../lib/i18n';
import { listVersions, versionXml } from './api';
import { compareDefinitions, MARKER, type Change, type ChangeKind } from './diff-model';
import { useReadOnlyViewer } from './useReadOnlyViewer';
import { canvasOf, registryOf, syncViewboxes } from './viewer';

const KIND_LABEL: Record<ChangeKind, string> = {
  added: 'designer.diff.added',
  removed: 'designer.diff.removed',
  changed: 'designer.diff.changed',
  layout: 'designer.diff.layoutChanged',
};

function mark(viewer: NavigatedViewer, changes: Change[], kinds: ChangeKind[]) {
  const canvas = canvasOf(viewer);
  const registry = registryOf(viewer);
  for (const c of changes) if (kinds.includes(c.kind) && registry.get(c.id)) canvas.addMarker(c.id, MARKER[c.kind]);
}

/**
 * `#/designer/:key/diff/:a/:b` — the older version left, the newer right, with removed (red) on
 * the left, added (green) on the right, changed (amber) and moved (blue, dashed) on both, and
 * the list of changes; "show" scrolls both diagrams to an element.
 */
export function DiffPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const key = params.key ?? '';
  const [lo, hi] = [Number(params.a), Number(params.b)].sort((x, y) => x - y) as [number, number];
  const [xmls, setXmls] = useState<{ older: string; newer: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const older = useReadOnlyViewer(xmls?.older ?? null);
  const newer = useReadOnlyViewer(xmls?.newer ?? null);

  useEffect(() => {
    setXmls(null);
    setError(null);
    listVersions(key)
      .then(async (all) => {
        const a = all.find((v) => v.version === lo);
        const b = all.find((v) => v.version === hi);
        if (!a || !b) {
          setError(t('designer.viewer.notFound', { version: !a ? lo : hi }));
          return;
        }
        const [olderXml, newerXml] = await Promise.all([versionXml(a.id), versionXml(b.id)]);
        setXmls({ older: olderXml, newer: newerXml });
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [key, lo, hi]);

  const changes = useMemo(() => {
    if (!older.viewer || !newer.viewer) return null;
    return compareDefinitions(older.viewer.getDefinitions(), newer.viewer.getDefinitions());
  }, [older.viewer, newer.viewer, older.generation, newer.generation]);

  useEffect(() => {
    if (!changes || !older.viewer || !newer.viewer) return undefined;
    mark(older.viewer, changes, ['removed', 'changed', 'layout']);
    mark(newer.viewer, changes, ['added', 'changed', 'layout']);
    return syncViewboxes(older.viewer, newer.viewer);
  }, [changes]);

  function show(id: string) {
    for (const v of [older.viewer, newer.viewer]) {
      if (v && registryOf(v).get(id)) canvasOf(v).scrollToElement(id);
    }
  }

  const count = (k: ChangeKind) => changes?.filter((c) => c.kind === k).length ?? 0;
  return (
    <section class="page">
      <h1>{t('designer.diff.title', { key, a: lo, b: hi })}</h1>
      <nav class="versions-toolbar" aria-label={t('designer.versions.list')}>
        <a href={`#/designer/${encodeURIComponent(key)}/versions`}>{t('designer.versions.backToList')}</a>
      </nav>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      <ul class="diff-legend" aria-label={t('designer.diff.legend')}>
        {(['added', 'removed', 'changed', 'layout'] as const).map((k) => (
          <li key={k}>
            <span class={`diff-swatch ${k}`} aria-hidden="true" />
            {t(KIND_LABEL[k])}
          </li>
        ))}
      </ul>
      <div class="diff-panes">
        <figure>
          <figcaption>{t('designer.diff.before', { version: lo })}</figcaption>
          <div ref={older.container} class="bpmn-readonly" data-diff-side="older" />
        </figure>
        <figure>
          <figcaption>{t('designer.diff.after', { version: hi })}</figcaption>
          <div ref={newer.container} class="bpmn-readonly" data-diff-side="newer" />
        </figure>
      </div>
      <h2>{t('designer.diff.changes')}</h2>
      {!changes && !error && <p aria-busy="true">{t('app.loading')}</p>}
      {changes && (
        <p role="status" data-testid="diff-summary">
          {t('designer.diff.summary', {
            added: count('added'),
            removed: count('removed'),
            changed: count('changed'),
            layout: count('layout'),
          })}
        </p>
      )}
      {changes && changes.length === 0 && <p class="empty">{t('designer.diff.none')}</p>}
      {changes && changes.length > 0 && (
        <div class="table-wrap">
          <table class="grid" aria-label={t('designer.diff.changes')}>
            <thead>
              <tr>
                <th scope="col">{t('designer.diff.kind')}</th>
                <th scope="col">{t('designer.diff.element')}</th>
                <th scope="col">{t('designer.diff.details')}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={`${c.kind}:${c.id}`} data-change={c.kind} data-element={c.id}>
                  <td class={`diff-kind ${c.kind}`}>{t(KIND_LABEL[c.kind])}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => show(c.id)}
                      aria-label={t('designer.diff.show', { element: c.name ?? c.id })}
                    >
                      {c.name ? `${c.name} ` : ''}
                      <code>{c.id}</code>
                    </button>{' '}
                    <span class="hint">{c.type}</span>
                  </td>
                  <td>
                    {c.details.map((d) => (
                      <div key={d}>
                        <code>{d}</code>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
