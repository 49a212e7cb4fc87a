import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorMessages } from '../../lib/errors';
import { formatDateTime, useLocale, useT } from '../../lib/i18n';
import type { RealtimeEvent } from '../../lib/realtime';
import { operationsApi, type Batch, type BatchDetail } from './api';
import { errorText, OpsPage, Pager, useCoalesced, useOperationsEvents } from './common';

/** A batch's progress event, applied to the batch as shown (the counters are the server's). */
function applyProgress(batch: Batch, e: RealtimeEvent): Batch {
  if (!e.topic.startsWith('batch:')) return batch;
  const p = e.payload as { batchId: string; status: Batch['status']; total: number; succeeded: number; failed: number };
  if (p.batchId !== batch.id) return batch;
  return {
    ...batch,
    status: p.status,
    total: p.total,
    succeeded: p.succeeded,
    failed: p.failed,
    pending: p.total - p.succeeded - p.failed,
  };
}

function Progress({ batch }: { batch: Batch }) {
  const t = useT();
  const done = batch.succeeded + batch.failed;
  const label = t('ops.batch.progress', { done, total: batch.total, ok: batch.succeeded, failed: batch.failed });
  return (
    <div class="ops-progress">
      <progress max={batch.total || 1} value={done} aria-label={label} data-testid={`progress-${batch.id}`} />
      <span>{label}</span>
    </div>
  );
}

/** Batches, newest first, with progress pushed live (batch:created / progress / completed). */
export function BatchesPage() {
  const t = useT();
  const [page, setPage] = useState({ offset: 0, limit: 20 });
  const [list, setList] = useState<{ items: Batch[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    operationsApi
      .batches(page.offset, page.limit)
      .then((r) => (setList({ items: r.items, total: r.total }), setError(null)))
      .catch((err: unknown) => setError(errorText(err)));
  }, [page]);
  useEffect(load, [load]);
  const reload = useCoalesced(load);
  useOperationsEvents((e) => {
    if (e.topic === 'batch:created') reload();
    else if (e.topic.startsWith('batch:'))
      setList((l) => (l ? { ...l, items: l.items.map((b) => applyProgress(b, e)) } : l));
  }, reload);

  return (
    <OpsPage title={t('ops.batches.title')} permission={['batch', 'read']}>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!list && !error && <p class="loading">{t('app.loading')}</p>}
      {list?.items.length === 0 && <p class="empty">{t('ops.batches.none')}</p>}
      {list && list.items.length > 0 && (
        <div class="table-wrap">
          <table class="grid ops-table">
            <thead>
              <tr>
                <th scope="col">{t('ops.batch.type')}</th>
                <th scope="col">{t('ops.reason')}</th>
                <th scope="col">{t('ops.batch.status')}</th>
                <th scope="col">{t('ops.batch.progressCol')}</th>
                <th scope="col">{t('ops.batch.createdBy')}</th>
                <th scope="col">{t('ops.batch.createdAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((b) => (
                <tr key={b.id}>
                  <th scope="row">
                    <a href={`#/operations/batches/${b.id}`}>{t(`ops.batch.type.${b.type}`)}</a>
                  </th>
                  <td class="ops-reason-cell">{b.reason}</td>
                  <td>{t(`ops.batch.status.${b.status}`)}</td>
                  <td>
                    <Progress batch={b} />
                  </td>
                  <td title={b.createdBy}>{b.createdByName ?? b.createdBy}</td>
                  <td>{formatDateTime(b.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && (
        <Pager
          id="ops-b-size"
          offset={page.offset}
          limit={page.limit}
          total={list.total}
          onChange={(offset, limit) => setPage({ offset, limit })}
        />
      )}
    </OpsPage>
  );
}

const ITEM_STATES = ['', 'failed', 'succeeded', 'pending'] as const;

/**
 * Why an item failed, in the reader's language when the code is a known refusal (the server's
 * sentence is English, for logs); an unknown code keeps the server's words.
 */
function useItemError(): (item: BatchDetail['items']['items'][number]) => string {
  const t = useT();
  const locale = useLocale();
  return (item) => {
    if (!item.error && !item.errorCode) return '—';
    const code = item.errorCode ?? '';
    if (code === 'FORBIDDEN') {
      const forbidden = /^you may not ([a-z-]+) ([a-z-]+)/.exec(item.error ?? '');
      const action = `error.action.${forbidden?.[1] ?? ''}`;
      const object = `error.object.${forbidden?.[2] ?? ''}`;
      return forbidden && action in errorMessages[locale] && object in errorMessages[locale]
        ? t('error.forbidden.of', { action: t(action), object: t(object) })
        : t('error.forbidden');
    }
    const key = `error.code.${code}`;
    if (key in errorMessages[locale]) return t(key);
    return item.error ?? code;
  };
}

/** One batch: live progress and what happened to each instance. */
export function BatchPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const id = params.id ?? '';
  const [status, setStatus] = useState<(typeof ITEM_STATES)[number]>('');
  const [page, setPage] = useState({ offset: 0, limit: 50 });
  const [batch, setBatch] = useState<BatchDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const itemError = useItemError();
  const load = useCallback(() => {
    operationsApi
      .batch(id, { status: status || undefined, ...page })
      .then((b) => (setBatch(b), setError(null)))
      .catch((err: unknown) => setError(errorText(err)));
  }, [id, status, page]);
  useEffect(load, [load]);
  const reload = useCoalesced(load, 500);
  useOperationsEvents((e) => {
    if (!e.topic.startsWith('batch:') || (e.payload as { batchId?: string }).batchId !== id) return;
    setBatch((b) => (b ? { ...b, ...applyProgress(b, e) } : b));
    reload();
  }, reload);

  return (
    <OpsPage
      title={batch ? t('ops.batch.title', { type: t(`ops.batch.type.${batch.type}`) }) : t('ops.batches.title')}
      permission={['batch', 'read']}
    >
      <p>
        <a href="#/operations/batches">{t('ops.batch.back')}</a>
      </p>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!batch && !error && <p class="loading">{t('app.loading')}</p>}
      {batch && (
        <>
          <dl class="ops-facts">
            <dt>{t('ops.batch.status')}</dt>
            <dd data-testid="batch-status">{t(`ops.batch.status.${batch.status}`)}</dd>
            <dt>{t('ops.batch.progressCol')}</dt>
            <dd>
              <Progress batch={batch} />
            </dd>
            <dt>{t('ops.reason')}</dt>
            <dd>{batch.reason}</dd>
            <dt>{t('ops.batch.createdBy')}</dt>
            <dd>
              <span data-testid="batch-created-by" title={batch.createdBy}>
                {batch.createdByName ?? batch.createdBy}
              </span>{' '}
              · {formatDateTime(batch.createdAt)}
            </dd>
            {batch.endedAt && (
              <>
                <dt>{t('ops.batch.endedAt')}</dt>
                <dd>{formatDateTime(batch.endedAt)}</dd>
              </>
            )}
          </dl>
          <div class="ops-toolbar">
            <label for="ops-b-status">{t('ops.batch.filter')}</label>
            <select
              id="ops-b-status"
              value={status}
              onChange={(e) => (setStatus(e.currentTarget.value as typeof status), setPage({ ...page, offset: 0 }))}
            >
              {ITEM_STATES.map((s) => (
                <option key={s} value={s}>
                  {s ? t(`ops.item.${s}`) : t('ops.any')}
                </option>
              ))}
            </select>
          </div>
          <div class="table-wrap">
            <table class="grid" aria-label={t('ops.batch.items')}>
              <thead>
                <tr>
                  <th scope="col">{t('ops.batch.instance')}</th>
                  <th scope="col">{t('ops.col.process')}</th>
                  <th scope="col">{t('ops.batch.itemStatus')}</th>
                  <th scope="col">{t('ops.batch.error')}</th>
                  <th scope="col">{t('ops.batch.doneAt')}</th>
                </tr>
              </thead>
              <tbody>
                {batch.items.items.map((i) => (
                  <tr key={i.instanceId} class={i.status === 'failed' ? 'ops-failed' : undefined}>
                    <th scope="row">
                      <a href={`#/operations/instances/${i.instanceId}`} title={i.instanceId}>
                        {i.businessKey ?? i.instanceId.slice(0, 8)}
                      </a>
                    </th>
                    <td>
                      {i.processName ?? i.definitionKey ?? '—'}
                      {i.definitionVersion !== null && ` v${i.definitionVersion}`}
                    </td>
                    <td>{t(`ops.item.${i.status}`)}</td>
                    <td title={i.errorCode ?? undefined}>{itemError(i)}</td>
                    <td>{formatDateTime(i.doneAt) || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            id="ops-bi-size"
            offset={page.offset}
            limit={page.limit}
            total={batch.items.total}
            onChange={(offset, limit) => setPage({ offset, limit })}
          />
        </>
      )}
    </OpsPage>
  );
}
