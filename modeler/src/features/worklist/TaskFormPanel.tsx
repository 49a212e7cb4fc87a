import { useEffect, useImperativeHandle, useRef, useState } from 'preact/hooks';
import type { Ref } from 'preact';
import { ApiError, type ProblemDetail } from '../../lib/api';
import { formatDateTime, formatTime, useT } from '../../lib/i18n';
import { worklistApi, type CompletionBody, type TaskForm } from './api';
import { GenericFormPanel } from './GenericFormPanel';
import { createFormViewer, localizeFormErrors, type FieldErrors, type FormViewer } from './formjs';

export interface FormHandle {
  /** Validates in the browser; the completion's body, or null when invalid (the errors are shown on the fields). */
  collect(): CompletionBody | null;
  /** `details`: the server's 400 details as they came, for a form that maps them itself. */
  showServerErrors(fieldErrors: FieldErrors, summary: string[], details?: ProblemDetail[]): void;
  saveDraft(): Promise<void>;
  /** The completion was not sent after all (the confirmation was cancelled): drafts resume. */
  resume?(): void;
  /** Resolves once no draft save is in flight, so none can reach the server after the completion. */
  settled?(): Promise<void>;
  schema(): Record<string, unknown> | null;
  /** What the form holds now, valid or not (a delegate hands back what they have). */
  values(): Promise<Record<string, unknown>>;
}

type DraftState =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'failed'; message: string };

/**
 * The task's form (form-js viewer). Typing is never lost: every change is saved as a draft on
 * the server after a short pause (and by the explicit "save draft" button), and a reopened task
 * starts from the draft.
 */
export function TaskFormPanel({
  taskId,
  editable,
  handle,
  onReady,
}: {
  taskId: string;
  editable: boolean;
  handle: Ref<FormHandle>;
  onReady?: (hasForm: boolean) => void;
}) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const viewer = useRef<FormViewer | null>(null);
  const schemaRef = useRef<Record<string, unknown> | null>(null);
  const latest = useRef<Record<string, unknown> | null>(null);
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /**
   * Set once the data was collected for the completion: form-js reports typing after a debounce,
   * so a change can still arrive after it, and a draft saved from it would reach a completed task
   * (refused). Until the completion is refused or called off, changes save no draft.
   */
  const sealed = useRef(false);
  const inflight = useRef<Promise<unknown> | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'none' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<string[]>([]);
  const [draft, setDraft] = useState<DraftState>({ kind: 'idle' });
  const [restored, setRestored] = useState<string | null>(null);
  const editableRef = useRef(editable);
  editableRef.current = editable;
  const tRef = useRef(t);
  tRef.current = t;
  const localizer = useRef<ReturnType<typeof localizeFormErrors> | null>(null);

  /** Saves a draft after a short pause in the typing. */
  function later() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void saveDraft().catch(() => {}), 800);
  }

  async function saveDraft() {
    if (timer.current) clearTimeout(timer.current);
    if (!latest.current || !editableRef.current || sealed.current) return;
    setDraft({ kind: 'saving' });
    try {
      const request = worklistApi.saveDraft(taskId, latest.current);
      inflight.current = request.catch(() => {});
      await request;
      dirty.current = false;
      setDraft({ kind: 'saved', at: new Date().toISOString() });
    } catch (err) {
      setDraft({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  // A task without one of our forms shows the generic form, which answers for it.
  const generic = useRef<FormHandle>(null);
  useImperativeHandle(handle, () => ({
    collect() {
      if (generic.current) return generic.current.collect();
      const form = viewer.current;
      if (!form) return {};
      const { data, errors } = form.submit();
      const invalid = Object.values(errors).filter((e) => e && e.length).length;
      if (invalid) {
        setSummary([t('task.form.invalid', { count: invalid })]);
        focusFirstError(container.current);
        return null;
      }
      setSummary([]);
      // The data leaves with the completion: a draft saved after it would be refused (the task
      // is no longer open), so no pending or leaving save may follow.
      if (timer.current) clearTimeout(timer.current);
      dirty.current = false;
      sealed.current = true;
      return { variables: data };
    },
    resume() {
      sealed.current = false;
      if (dirty.current) later();
    },
    async settled() {
      await inflight.current;
    },
    showServerErrors(fieldErrors, lines, details) {
      sealed.current = false;
      if (generic.current) return generic.current.showServerErrors(fieldErrors, lines, details);
      const form = viewer.current;
      if (form && Object.keys(fieldErrors).length) form._setState({ errors: fieldErrors });
      setSummary(lines);
      focusFirstError(container.current);
    },
    saveDraft: () => (generic.current ? generic.current.saveDraft() : saveDraft()),
    schema: () => (generic.current ? null : schemaRef.current),
    async values() {
      if (generic.current) return generic.current.values();
      // form-js applies typing after a short debounce and flushes it on blur: blur, let it land.
      if (container.current?.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const state = (
        viewer.current as unknown as { _getState?(): { data?: Record<string, unknown> } } | null
      )?._getState?.();
      return { ...(latest.current ?? {}), ...(state?.data ?? {}) };
    },
  }));

  useEffect(() => {
    let disposed = false;
    let form: FormViewer | null = null;
    (async () => {
      let spec: TaskForm;
      try {
        spec = await worklistApi.form(taskId);
      } catch (err) {
        // No form for this task (or no form service yet): the task completes without variables.
        if (err instanceof ApiError && err.status === 404) {
          if (!disposed) setState('none');
          onReady?.(false);
          return;
        }
        throw err;
      }
      if (!spec.schema) {
        if (!disposed) setState('none');
        onReady?.(false);
        return;
      }
      const saved = await worklistApi.draft(taskId).catch(() => ({ data: null, savedAt: null }));
      if (disposed || !container.current) return;
      form = await createFormViewer(container.current);
      if (disposed) return form.destroy();
      localizer.current = localizeFormErrors(container.current, () => tRef.current);
      viewer.current = form;
      schemaRef.current = spec.schema;
      const data = { ...spec.data, ...(saved.data ?? {}) };
      await form.importSchema(spec.schema, data);
      form.setProperty('readOnly', !editableRef.current);
      latest.current = data;
      if (saved.data && saved.savedAt) setRestored(formatDateTime(saved.savedAt));
      form.on('changed', (event: { data: Record<string, unknown> }) => {
        latest.current = event.data;
        if (!editableRef.current) return;
        dirty.current = true;
        if (!sealed.current) later();
      });
      setState('ready');
      onReady?.(true);
    })().catch((err: unknown) => {
      if (disposed) return;
      setError(err instanceof Error ? err.message : String(err));
      setState('error');
    });
    return () => {
      disposed = true;
      // Leaving the page with unsaved typing: save it now (best effort, keepalive-free PUT).
      if (timer.current) clearTimeout(timer.current);
      if (dirty.current && latest.current && editableRef.current && !sealed.current)
        void worklistApi.saveDraft(taskId, latest.current).catch(() => {});
      localizer.current?.disconnect();
      form?.destroy();
      viewer.current = null;
    };
  }, [taskId]);

  // Closing the tab or reloading with typing not yet saved: send it with keepalive.
  useEffect(() => {
    const flush = () => {
      // form-js applies typing after a short debounce and flushes it on blur: blur first.
      if (container.current?.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
      if (!dirty.current || !latest.current || !editableRef.current || sealed.current) return;
      dirty.current = false;
      void worklistApi.saveDraft(taskId, latest.current, true).catch(() => {});
    };
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [taskId]);

  useEffect(() => {
    viewer.current?.setProperty('readOnly', !editable);
  }, [editable]);

  useEffect(() => localizer.current?.apply(), [t]);

  return (
    <div class="task-form">
      {state === 'loading' && <p class="loading">{t('task.form.loading')}</p>}
      {state === 'none' && <GenericFormPanel taskId={taskId} editable={editable} handle={generic} />}
      {state === 'error' && <p role="alert">{t('task.form.error', { message: error ?? '' })}</p>}
      {restored && state === 'ready' && <p class="notice">{t('task.draft.restored', { time: restored })}</p>}
      {summary.length > 0 && (
        <div class="form-summary" role="alert">
          {summary.map((s) => (
            <p key={s}>{s}</p>
          ))}
        </div>
      )}
      <div ref={container} class="formjs-container" />
      {state === 'ready' && editable && (
        <p class="draft-status" aria-live="polite">
          {draft.kind === 'saving' && t('task.draft.saving')}
          {draft.kind === 'saved' && t('task.draft.saved', { time: formatTime(draft.at) })}
          {draft.kind === 'failed' && (
            <span class="field-error">{t('task.draft.failed', { message: draft.message })}</span>
          )}
        </p>
      )}
    </div>
  );
}

function focusFirstError(root: HTMLElement | null) {
  setTimeout(() => {
    const field = root?.querySelector<HTMLElement>(
      '[aria-invalid="true"], .has-error input, .has-error select, .has-error textarea',
    );
    field?.focus();
  }, 0);
}
