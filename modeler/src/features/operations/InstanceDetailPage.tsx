import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { formatDateTime, useT } from '../../lib/i18n';
import { rooms, subscribe } from '../../lib/realtime';
import { useSession } from '../../lib/session';
import { showToast } from '../../lib/toast';
import { ProcessDiagram } from '../monitor/ProcessDiagram';
import '../monitor/monitor.css';
import {
  operationsApi,
  type Comment,
  type Definition,
  type InstanceDetail,
  type InstanceView,
  type Operation,
} from './api';
import { errorText, OpsPage, ReasonDialog, StateChips, useDepartmentNames } from './common';
import { ModificationPanel, type StepOption } from './ModificationPanel';
import { VariablesPanel } from './VariablesPanel';

type Action = 'cancel' | 'suspend' | 'resume';

/** The flow nodes a modification may start at (not flows, not the process, not boundary events). */
const STARTABLE = /Task$|SubProcess$|CallActivity$|IntermediateCatchEvent$|IntermediateThrowEvent$|Gateway$|EndEvent$/;

/**
 * One instance, as an operator sees it: the monitor's diagram zoomed to where it stands, its
 * state and actions (cancel, suspend, resume — each with a reason), modification, typed
 * variables with their history, incidents with retry, comments, timeline and operation log.
 */
export function InstanceDetailPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { can } = useSession();
  const id = params.id ?? '';
  const [detail, setDetail] = useState<InstanceDetail | null>(null);
  const [view, setView] = useState<InstanceView | null>(null);
  const [definition, setDefinition] = useState<Definition | null>(null);
  const [operations, setOperations] = useState<Operation[]>([]);
  const [comments, setComments] = useState<Comment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [start, setStart] = useState('');
  const departments = useDepartmentNames();

  const load = useCallback(() => {
    operationsApi
      .instance(id)
      .then((d) => (setDetail(d), setError(null)))
      .catch((err: unknown) => setError(errorText(err)));
    // The diagram and the timeline come from the monitor, for whoever may read dashboards.
    operationsApi
      .view(id)
      .then(setView)
      .catch(() => setView(null));
    operationsApi
      .operations(id)
      .then((r) => setOperations(r.items))
      .catch(() => setOperations([]));
    operationsApi
      .comments(id)
      .then((r) => setComments(r.items))
      .catch(() => setComments([]));
  }, [id]);
  useEffect(() => {
    load();
    return subscribe(rooms.instance(id), () => load(), { onResync: load });
  }, [id, load]);

  const definitionId = detail?.definitionId;
  useEffect(() => {
    if (!detail) return;
    operationsApi
      .definitions(true)
      .then((r) => setDefinition(r.items.find((d) => d.id === detail.definitionId) ?? null))
      .catch(() => setDefinition(null));
  }, [definitionId]);

  const stepName = (elementId: string) => definition?.meta.elements[elementId]?.name ?? elementId;
  const activeIds =
    view?.path.activeElementIds ??
    detail?.waitingActivities.flatMap((w) => ('elementId' in w ? [w.elementId] : [])) ??
    [];
  const active: StepOption[] = [...new Set(activeIds)].map((s) => ({ id: s, name: stepName(s) }));
  const steps: StepOption[] = useMemo(
    () =>
      Object.entries(definition?.meta.elements ?? {})
        .filter(([, e]) => STARTABLE.test(e.type))
        .map(([s, e]) => ({ id: s, name: e.name ?? s }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [definition],
  );

  const act = async (kind: Action, reason: string) => {
    const next = await operationsApi[kind](id, reason);
    setDetail(next);
    showToast('success', t(`ops.action.${kind}.done`));
    load();
  };
  const retry = async (incidentId: string) => {
    try {
      await operationsApi.retryIncident(incidentId);
      showToast('success', t('ops.incident.retried'));
      load();
    } catch (err) {
      showToast('error', errorText(err));
    }
  };

  const opLabel = (op: string) => (t(`ops.op.${op}`) === `ops.op.${op}` ? op : t(`ops.op.${op}`));
  const running = detail?.status === 'running';
  const canModify = can('instance', 'modify') && running && !detail?.suspended;
  return (
    <OpsPage
      title={t('ops.instance.title', { key: detail?.businessKey ?? id.slice(0, 8) })}
      permission={['instance', 'read']}
      actions={
        detail && (
          <div class="ops-actions">
            {can('instance', 'suspend') &&
              (detail.suspended ? (
                <button type="button" disabled={!running} onClick={() => setAction('resume')}>
                  {t('ops.action.resume')}
                </button>
              ) : (
                <button type="button" disabled={!running} onClick={() => setAction('suspend')}>
                  {t('ops.action.suspend')}
                </button>
              ))}
            {can('instance', 'cancel') && (
              <button type="button" class="danger" disabled={!running} onClick={() => setAction('cancel')}>
                {t('ops.action.cancel')}
              </button>
            )}
          </div>
        )
      }
    >
      <p>
        <a href="#/operations">{t('ops.instance.back')}</a>
      </p>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!detail && !error && <p class="loading">{t('app.loading')}</p>}
      {detail && (
        <>
          <dl class="ops-facts">
            <dt>{t('ops.col.state')}</dt>
            <dd data-testid="instance-state">
              <StateChips instance={detail} />
            </dd>
            <dt>{t('ops.col.process')}</dt>
            <dd>
              {definition?.name ?? detail.definitionKey} v{detail.definitionVersion}
            </dd>
            <dt>{t('ops.col.customer')}</dt>
            <dd>{[detail.customerName, detail.accountNo].filter(Boolean).join(' · ') || '—'}</dd>
            <dt>{t('ops.col.department')}</dt>
            <dd data-testid="instance-department" title={detail.departmentId ?? undefined}>
              {departments.name(detail.departmentId)}
            </dd>
            <dt>{t('ops.col.startedAt')}</dt>
            <dd>
              {formatDateTime(detail.startedAt)} ·{' '}
              <span data-testid="instance-started-by" title={detail.startedBy}>
                {detail.startedByName ?? detail.startedBy}
              </span>
            </dd>
            <dt>{t('ops.instance.current')}</dt>
            <dd data-testid="instance-current">{active.map((s) => s.name).join('、') || '—'}</dd>
            {detail.endedAt && (
              <>
                <dt>{t('ops.col.endedAt')}</dt>
                <dd>
                  {formatDateTime(detail.endedAt)}
                  {detail.endReason && ` · ${detail.endReason}`}
                </dd>
              </>
            )}
            {detail.suspended && (
              <>
                <dt>{t('ops.instance.suspendedBy')}</dt>
                <dd>
                  {detail.suspendedBy} · {formatDateTime(detail.suspendedAt)}
                </dd>
              </>
            )}
          </dl>
          {view?.diagram.xml && (
            <section class="monitor-card" aria-labelledby="ops-diagram">
              <h2 id="ops-diagram">{t('ops.instance.diagram')}</h2>
              <ProcessDiagram
                xml={view.diagram.xml}
                done={view.path.completedElementIds}
                active={view.path.activeElementIds}
                label={t('ops.instance.diagram')}
                onSelect={canModify ? (elementId) => setStart(elementId) : undefined}
              />
            </section>
          )}
          {canModify && (
            <ModificationPanel
              instanceId={id}
              active={active}
              steps={steps}
              start={start}
              onStart={setStart}
              onDone={load}
            />
          )}
          <section class="monitor-card" aria-labelledby="ops-incidents">
            <h2 id="ops-incidents">{t('ops.instance.incidents')}</h2>
            {detail.incidents.filter((n) => n.status === 'open').length === 0 ? (
              <p class="empty">{t('ops.instance.noIncidents')}</p>
            ) : (
              <ul class="ops-incident-list">
                {detail.incidents
                  .filter((n) => n.status === 'open')
                  .map((n) => (
                    <li key={n.id}>
                      <strong>{n.elementId ? stepName(n.elementId) : t(`ops.incident.type.${n.type}`)}</strong> ·{' '}
                      {formatDateTime(n.createdAt)}
                      <pre>{n.message}</pre>
                      {can('incident', 'retry') && n.jobId && (
                        <button type="button" class="small" onClick={() => void retry(n.id)}>
                          {t('ops.incident.retry')}
                        </button>
                      )}
                    </li>
                  ))}
              </ul>
            )}
          </section>
          <VariablesPanel detail={detail} editable={can('instance', 'update')} onChanged={load} />
          <CommentsPanel
            detail={detail}
            comments={comments}
            stepName={(taskId) => {
              const task = detail.tasks.find((x) => x.id === taskId);
              return task ? (task.name ?? stepName(task.elementId)) : null;
            }}
            onAdded={load}
          />
          {view && view.timeline.length > 0 && (
            <section class="monitor-card" aria-labelledby="ops-timeline">
              <h2 id="ops-timeline">{t('ops.instance.timeline')}</h2>
              <div class="table-wrap">
                <table class="grid">
                  <thead>
                    <tr>
                      <th scope="col">{t('ops.col.step')}</th>
                      <th scope="col">{t('ops.col.actor')}</th>
                      <th scope="col">{t('ops.col.startedAt')}</th>
                      <th scope="col">{t('ops.col.endedAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.timeline.map((s, i) => (
                      <tr key={`${s.elementId}-${i}`}>
                        <th scope="row">{s.name}</th>
                        <td>{s.actor ?? '—'}</td>
                        <td>{formatDateTime(s.startedAt)}</td>
                        <td>{formatDateTime(s.endedAt) || '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}
          <section class="monitor-card" aria-labelledby="ops-log">
            <h2 id="ops-log">{t('ops.instance.log')}</h2>
            {operations.length === 0 ? (
              <p class="empty">{t('ops.instance.noLog')}</p>
            ) : (
              <ul class="ops-log">
                {operations.map((o, i) => (
                  <li key={i}>
                    {formatDateTime(o.at)} ·{' '}
                    <strong title={o.actor} data-testid="ops-log-actor">
                      {o.actorName ?? o.actor}
                    </strong>{' '}
                    · {opLabel(o.operation)}
                    {reasonOf(o.details) && <> · {reasonOf(o.details)}</>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      {action && (
        <ReasonDialog
          title={t(`ops.action.${action}.title`)}
          body={t(`ops.action.${action}.body`, { key: detail?.businessKey ?? id.slice(0, 8) })}
          confirmLabel={t(`ops.action.${action}`)}
          danger={action === 'cancel'}
          onClose={() => setAction(null)}
          onConfirm={(reason) => act(action, reason)}
        />
      )}
    </OpsPage>
  );
}

function reasonOf(details: unknown): string | null {
  if (details && typeof details === 'object' && 'reason' in details) {
    const reason = details.reason;
    return typeof reason === 'string' ? reason : null;
  }
  return null;
}

/**
 * The instance's comments (on the instance itself and on its tasks, oldest first) and, for
 * whoever may comment on it, a form that adds one to the instance. Other viewers see it live
 * (instance:commented reloads the page).
 */
function CommentsPanel({
  detail,
  comments,
  stepName,
  onAdded,
}: {
  detail: InstanceDetail;
  comments: Comment[];
  stepName: (taskId: string) => string | null;
  onAdded: () => void;
}) {
  const t = useT();
  const { can } = useSession();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const commentPlace = (taskId: string | null) => {
    if (!taskId) return t('ops.comments.onInstance');
    const name = stepName(taskId);
    return name ? t('ops.comments.onTask', { name }) : t('ops.comments.onSomeTask');
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!body.trim() || busy) return;
    setBusy(true);
    try {
      await operationsApi.comment(detail.id, body.trim());
      setBody('');
      setError(null);
      showToast('success', t('ops.comments.added'));
      onAdded();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="monitor-card" aria-labelledby="ops-comments">
      <h2 id="ops-comments">{t('ops.comments.title')}</h2>
      {comments.length === 0 ? (
        <p class="empty">{t('ops.comments.none')}</p>
      ) : (
        <ul class="ops-comments" data-testid="instance-comments">
          {comments.map((c) => (
            <li key={c.id}>
              <span class="hint">
                {c.authorName} · {formatDateTime(c.createdAt)} · {commentPlace(c.taskId)}
              </span>
              <p>{c.body}</p>
            </li>
          ))}
        </ul>
      )}
      {can('instance', 'comment') && (
        <form class="ops-form" onSubmit={(e) => void submit(e)}>
          <label for="ops-comment">{t('ops.comments.new')}</label>
          <textarea
            id="ops-comment"
            rows={2}
            maxLength={4000}
            value={body}
            onInput={(e) => setBody(e.currentTarget.value)}
          />
          {error && (
            <p class="field-error" role="alert">
              {error}
            </p>
          )}
          <div>
            <button type="submit" class="primary" disabled={!body.trim() || busy}>
              {t('ops.comments.add')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
