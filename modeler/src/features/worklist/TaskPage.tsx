import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ConfirmDialog } from '../../app/Dialog';
import { navigate } from '../../app/router';
import { ApiError } from '../../lib/api';
import { formatDateTime, useLocale, useT } from '../../lib/i18n';
import { nameIn } from '../../lib/bilingual';
import { inFamily, rooms, subscribe, type RealtimeEvent } from '../../lib/realtime';
import { useSession, type SessionUser } from '../../lib/session';
import { showToast } from '../../lib/toast';
import { AttachmentsPanel, CommentsPanel, HistoryPanel } from './ActivityPanels';
import { worklistApi, type TaskContext } from './api';
import { ContextPanel } from './ContextPanel';
import { DiagramPanel } from './DiagramPanel';
import { describeFailure } from './errors';
import { serverErrorsToFields } from './formjs';
import { ReassignDialog } from './ReassignDialog';
import { TaskFormPanel, type FormHandle } from './TaskFormPanel';
import { priorityLevel } from './WorklistTable';
import './worklist.css';

export function TaskPage({ params }: { params: Record<string, string> }) {
  const { user } = useSession();
  const id = params.id ?? '';
  return user ? <TaskView key={id} id={id} user={user} /> : null;
}

type Pending = null | 'complete' | 'unclaim' | 'reassign' | 'delegate';

function TaskView({ id, user }: { id: string; user: SessionUser }) {
  const t = useT();
  const locale = useLocale();
  const { can } = useSession();
  const [context, setContext] = useState<TaskContext | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const form = useRef<FormHandle>(null);

  // What the page last showed of the task's assignee (undefined before the first load), and the
  // words for the notice, read when a load answers rather than when it was asked.
  const shownAssignee = useRef<string | null | undefined>(undefined);
  const latest = useRef({ t, username: user.username });
  latest.current = { t, username: user.username };
  const loads = useRef(0);

  /**
   * Reads the task's context. `announce`: the load follows someone else's change (a live event,
   * or a resync after events the page could not be sent), so a claim by a colleague that it
   * reveals is said, however the page learned of it: by the claim's own event, by a reload that
   * another change started first, or by a resync.
   */
  const load = useCallback(
    (announce = false) => {
      const asked = ++loads.current;
      worklistApi.context(id).then(
        (c) => {
          if (asked !== loads.current) return; // a later load answers for the page
          const before = shownAssignee.current;
          const after = c.task.assignee ?? null;
          shownAssignee.current = after;
          const { t: say, username } = latest.current;
          if (
            announce &&
            before !== undefined &&
            after &&
            after !== before &&
            after !== username &&
            c.task.status === 'open'
          )
            showToast(
              'info',
              say('task.claimedBy', { who: c.task.assigneeName ?? after, time: formatDateTime(c.task.claimedAt) }),
            );
          setContext(c);
          setError(null);
        },
        (err: unknown) => {
          if (asked === loads.current) setError(err instanceof Error ? err : new Error(String(err)));
        },
      );
    },
    [id],
  );
  useEffect(() => load(), [load]);

  // Someone else acting on this task while it is open: show the new state, and say who claimed it.
  const instanceId = context?.instance.id;
  useEffect(() => {
    if (!instanceId) return;
    return subscribe(
      rooms.instance(instanceId),
      (event: RealtimeEvent) => {
        if (inFamily(event, 'task') && event.payload.taskId === id) load(true);
      },
      // A first join has nothing to replay from: what happened between the page's load and the
      // join is read again instead of lost.
      { onResync: () => load(true) },
    );
  }, [instanceId, id, load]);

  if (error) {
    const notFound = error instanceof ApiError && error.status === 404;
    return (
      <section class="page">
        <a href="#/worklist">← {t('task.back')}</a>
        <p role="alert" class="error-state">
          {notFound ? t('task.notFound') : t('task.error', { message: error.message })}
        </p>
      </section>
    );
  }
  if (!context) return <p class="loading page">{t('task.loading')}</p>;

  const task = context.task;
  const open = task.status === 'open';
  const mine = open && task.assignee === user.username;
  const claimable = open && !task.assignee && can('task', 'claim');
  const heldByOther = open && !!task.assignee && !mine;
  const mayReassign = open && can('task', 'reassign');
  // Delegation: the delegate resolves the task back to its owner instead of completing it.
  const delegatedToMe = mine && task.delegationState === 'pending';
  const mayDelegate = open && !!task.assignee && (mine || mayReassign);
  const label = nameIn(task.name, locale) ?? task.elementId;
  const done = context.history.filter((h) => h.endedAt).map((h) => h.elementId);

  async function act(action: () => Promise<unknown>, success: string) {
    setBusy(true);
    try {
      await action();
      showToast('success', success);
      load();
    } catch (err) {
      showToast('error', describeFailure(t, err));
      load();
    } finally {
      setBusy(false);
    }
  }

  function startComplete() {
    const data = form.current ? form.current.collect() : {};
    if (data === null) return; // invalid: the form shows where
    setPending('complete');
  }

  async function complete() {
    const data = form.current?.collect();
    if (data === null) {
      setPending(null);
      return;
    }
    setBusy(true);
    try {
      // A draft save already sent must land before the completion, or the server refuses it.
      await form.current?.settled?.();
      await worklistApi.complete(id, data ?? {});
      setPending(null);
      showToast('success', t('task.completed', { task: label }));
      navigate('/worklist');
    } catch (err) {
      setPending(null);
      if (err instanceof ApiError && err.status === 400 && err.details.length) {
        const schema = form.current?.schema();
        const { fieldErrors, lines } = schema
          ? serverErrorsToFields(schema, err.details, t)
          : { fieldErrors: {}, lines: err.details.map((d) => d.message ?? d.reason) };
        form.current?.showServerErrors(
          fieldErrors,
          [t('task.form.serverInvalid', { count: err.details.length }), ...lines],
          err.details,
        );
      } else {
        form.current?.resume?.();
        showToast('error', describeFailure(t, err));
        load();
      }
    } finally {
      setBusy(false);
    }
  }

  async function saveDraft() {
    try {
      await form.current?.saveDraft();
      showToast('success', t('task.draft.savedToast'));
    } catch (err) {
      showToast('error', describeFailure(t, err));
    }
  }

  const level = priorityLevel(task.priority);
  const overdue = open && task.dueAt && new Date(task.dueAt).getTime() < Date.now();
  return (
    <section class="page task-page" aria-labelledby="task-title">
      <a href="#/worklist" class="back">
        ← {t('task.back')}
      </a>
      <header class="task-head">
        <div>
          <h1 id="task-title">
            {label} <span class={`status status-${task.status}`}>{t(`task.status.${task.status}`)}</span>
          </h1>
          <dl class="facts inline">
            <div class="fact">
              <dt>{t('task.process')}</dt>
              <dd>
                {nameIn(context.instance.definitionName, locale) ?? context.instance.definitionKey} v
                {context.instance.version}
              </dd>
            </div>
            <div class="fact">
              <dt>{t('task.businessKey')}</dt>
              <dd class="mono">{context.instance.businessKey ?? '—'}</dd>
            </div>
            <div class="fact">
              <dt>{t('task.assignee')}</dt>
              <dd title={task.assignee ?? undefined} data-testid="task-assignee">
                {task.assigneeName ?? task.assignee ?? t('task.unassigned')}
              </dd>
            </div>
            <div class="fact">
              <dt>{t('task.created')}</dt>
              <dd>{formatDateTime(task.createdAt)}</dd>
            </div>
            <div class="fact">
              <dt>{t('task.due')}</dt>
              <dd class={overdue ? 'overdue-text' : undefined}>
                {task.dueAt ? formatDateTime(task.dueAt) : '—'}
                {overdue && <span class="badge badge-overdue">{t('worklist.overdue')}</span>}
              </dd>
            </div>
            <div class="fact">
              <dt>{t('task.priority')}</dt>
              <dd>
                <span class={`priority priority-${level}`}>{t(`worklist.priority.${level}`)}</span> {task.priority}
              </dd>
            </div>
            {task.completedBy && (
              <>
                <div class="fact">
                  <dt>{t('task.completedBy')}</dt>
                  <dd title={task.completedBy}>
                    {task.completedByName ?? task.completedBy} · {formatDateTime(task.completedAt)}
                  </dd>
                </div>
              </>
            )}
          </dl>
        </div>
        <div class="task-actions" role="group" aria-label={t('task.actions')}>
          {claimable && (
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() => void act(() => worklistApi.claim(id), t('task.claimed'))}
            >
              {t('task.claim')}
            </button>
          )}
          {delegatedToMe && (
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() =>
                void act(
                  async () => worklistApi.resolve(id, (await form.current?.values()) ?? {}),
                  t('task.resolve.done', { who: task.ownerName ?? task.owner ?? '' }),
                )
              }
            >
              {t('task.resolve')}
            </button>
          )}
          {mine && !delegatedToMe && (
            <button type="button" class="primary" disabled={busy} onClick={startComplete}>
              {t('task.complete')}
            </button>
          )}
          {mine && (
            <button type="button" disabled={busy} onClick={() => void saveDraft()}>
              {t('task.saveDraft')}
            </button>
          )}
          {mine && !delegatedToMe && (
            <button type="button" disabled={busy} onClick={() => setPending('unclaim')}>
              {t('task.unclaim')}
            </button>
          )}
          {mayReassign && (
            <button type="button" disabled={busy} onClick={() => setPending('reassign')}>
              {t('task.reassign')}
            </button>
          )}
          {mayDelegate && (
            <button type="button" disabled={busy} onClick={() => setPending('delegate')}>
              {t('task.delegate')}
            </button>
          )}
        </div>
      </header>
      {claimable && <p class="notice">{t('task.claimFirst')}</p>}
      {task.unassigned && (
        <p class="notice" role="status" data-testid="task-unassigned">
          {t(mayReassign ? 'task.unassignedNotice.leader' : 'task.unassignedNotice')}
        </p>
      )}
      {open && task.delegationState === 'pending' && (
        <p class="notice" role="status">
          {delegatedToMe
            ? t('task.delegatedToMe', { owner: task.ownerName ?? task.owner ?? '' })
            : t('task.delegatedTo', {
                owner: task.ownerName ?? task.owner ?? '',
                who: task.assigneeName ?? task.assignee ?? '',
              })}
        </p>
      )}
      {open && task.delegationState === 'resolved' && mine && (
        <p class="notice" role="status">
          {t('task.resolvedBack')}
        </p>
      )}
      {heldByOther && (
        <p class="notice" title={task.assignee ?? undefined}>
          {t('task.heldByOther', {
            who: task.assigneeName ?? task.assignee,
            time: formatDateTime(task.claimedAt),
          })}
        </p>
      )}

      <div class="task-grid">
        <section class="card" aria-labelledby="task-form-title">
          <h2 id="task-form-title">{t('task.form')}</h2>
          {open ? (
            // A new holder (a delegation, its return, a reassignment) gets the form afresh, with
            // their own draft: the previous holder's page must not write over it.
            <TaskFormPanel
              key={`${task.assignee ?? ''}:${task.delegationState ?? ''}`}
              taskId={id}
              editable={mine}
              handle={form}
            />
          ) : (
            <p class="muted">
              {task.status === 'completed'
                ? t('task.completedElsewhere', {
                    who: task.completedByName ?? task.completedBy,
                    time: formatDateTime(task.completedAt),
                  })
                : t('task.status.cancelled')}
            </p>
          )}
        </section>
        <section class="card" aria-labelledby="task-context-title">
          <h2 id="task-context-title">{t('task.context')}</h2>
          <ContextPanel context={context} />
        </section>
      </div>
      {context.diagramXml && (
        <section class="card" aria-labelledby="task-diagram-title">
          <h2 id="task-diagram-title">{t('task.diagram')}</h2>
          <DiagramPanel xml={context.diagramXml} active={context.activeElementIds} done={done} />
        </section>
      )}
      <div class="task-grid three">
        <section class="card" aria-labelledby="task-history-title">
          <h2 id="task-history-title">{t('task.history')}</h2>
          <HistoryPanel history={context.history} />
        </section>
        <section class="card" aria-labelledby="task-comments-title">
          <h2 id="task-comments-title">{t('task.comments')}</h2>
          <CommentsPanel taskId={id} />
        </section>
        <section class="card" aria-labelledby="task-attachments-title">
          <h2 id="task-attachments-title">{t('task.attachments')}</h2>
          <AttachmentsPanel taskId={id} />
        </section>
      </div>

      {pending === 'complete' && (
        <ConfirmDialog
          title={t('task.confirmComplete.title')}
          body={t('task.confirmComplete.body', { task: label })}
          confirmLabel={t('task.confirm')}
          cancelLabel={t('task.cancel')}
          busy={busy}
          onCancel={() => {
            form.current?.resume?.();
            setPending(null);
          }}
          onConfirm={() => void complete()}
        />
      )}
      {pending === 'unclaim' && (
        <ConfirmDialog
          title={t('task.confirmUnclaim.title')}
          body={t('task.confirmUnclaim.body')}
          confirmLabel={t('task.confirm')}
          cancelLabel={t('task.cancel')}
          busy={busy}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            setPending(null);
            void act(() => worklistApi.unclaim(id), t('task.unclaimed'));
          }}
        />
      )}
      {(pending === 'reassign' || pending === 'delegate') && (
        <ReassignDialog
          mode={pending}
          onCancel={() => setPending(null)}
          onSubmit={(username) => {
            setPending(null);
            void act(
              () => (pending === 'reassign' ? worklistApi.assign(id, username) : worklistApi.delegate(id, username)),
              t(pending === 'reassign' ? 'task.reassign.done' : 'task.delegate.done', { who: username }),
            );
          }}
        />
      )}
    </section>
  );
}
