import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, useLocale, useT } from '../../lib/i18n';
import { nameIn } from '../../lib/bilingual';
import { showToast } from '../../lib/toast';
import { worklistApi, type Attachment, type Comment, type HistoryEntry } from './api';
import { describeFailure } from './errors';

/** Who did what, when: the instance's steps in order. */
export function HistoryPanel({ history }: { history: HistoryEntry[] }) {
  const t = useT();
  const locale = useLocale();
  const steps = history.filter((h) => !/Gateway|SequenceFlow/.test(h.type));
  if (steps.length === 0) return <p class="muted">{t('task.history.none')}</p>;
  return (
    <table class="grid compact history">
      <thead>
        <tr>
          <th scope="col">{t('task.history.step')}</th>
          <th scope="col">{t('task.history.actor')}</th>
          <th scope="col">{t('task.history.started')}</th>
          <th scope="col">{t('task.history.ended')}</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((h, i) => (
          <tr key={`${h.elementId}-${i}`} class={h.endedAt ? undefined : 'row-current'}>
            <td>{nameIn(h.name, locale) ?? h.elementId}</td>
            <td title={h.actor ?? undefined}>
              {h.actorName ?? h.actor ?? (h.automatic ? t('task.history.system') : '—')}
            </td>
            <td>{formatDateTime(h.startedAt)}</td>
            <td>{h.endedAt ? formatDateTime(h.endedAt) : <em>{t('task.history.running')}</em>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CommentsPanel({ taskId }: { taskId: string }) {
  const t = useT();
  const [items, setItems] = useState<Comment[] | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const load = () =>
    worklistApi.comments(taskId).then(
      (r) => setItems(r.items),
      () => setItems([]),
    );
  useEffect(() => void load(), [taskId]);

  async function add(event: Event) {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    try {
      await worklistApi.addComment(taskId, text.trim());
      setText('');
      showToast('success', t('task.comments.added'));
      await load();
    } catch (err) {
      showToast('error', describeFailure(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="comments">
      {items === null && <p class="loading">{t('app.loading')}</p>}
      {items?.length === 0 && <p class="muted">{t('task.comments.none')}</p>}
      {items && items.length > 0 && (
        <ol class="comment-list">
          {items.map((c) => (
            <li key={c.id}>
              <div class="comment-meta">
                <strong>{c.authorName}</strong> <span class="muted">{formatDateTime(c.createdAt)}</span>
              </div>
              <p>{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={(e) => void add(e)} class="comment-form">
        <label for="task-comment">{t('task.comments.new')}</label>
        <textarea
          id="task-comment"
          rows={2}
          maxLength={4000}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy || !text.trim()}>
          {t('task.comments.add')}
        </button>
      </form>
    </div>
  );
}

/** Matches the server's default limit (ATTACHMENT_MAX_BYTES, 5 MB); the server has the last word. */
const MAX_BYTES = 5 * 1024 * 1024;

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentsPanel({ taskId }: { taskId: string }) {
  const t = useT();
  const [items, setItems] = useState<Attachment[] | null>(null);
  const [busy, setBusy] = useState(false);
  const load = () =>
    worklistApi.attachments(taskId).then(
      (r) => setItems(r.items),
      () => setItems([]),
    );
  useEffect(() => void load(), [taskId]);

  async function upload(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > MAX_BYTES) {
      showToast('error', t('task.attachments.tooLarge', { name: file.name, size: size(MAX_BYTES) }));
      input.value = '';
      return;
    }
    setBusy(true);
    try {
      await worklistApi.upload(taskId, file);
      showToast('success', t('task.attachments.uploaded', { name: file.name }));
      await load();
    } catch (err) {
      showToast('error', describeFailure(t, err));
    } finally {
      setBusy(false);
      input.value = '';
    }
  }

  return (
    <div class="attachments">
      {items === null && <p class="loading">{t('app.loading')}</p>}
      {items?.length === 0 && <p class="muted">{t('task.attachments.none')}</p>}
      {items && items.length > 0 && (
        <ul class="attachment-list">
          {items.map((a) => (
            <li key={a.id}>
              <a href={a.downloadUrl} download={a.filename}>
                {a.filename}
              </a>{' '}
              <span class="muted">
                {size(a.size)} ·{' '}
                {t('task.attachments.by', { who: a.uploadedByName, time: formatDateTime(a.createdAt) })}
              </span>
            </li>
          ))}
        </ul>
      )}
      {/* A button-like label, not the browser's own file control, which speaks the browser's language. */}
      <label class={busy ? 'file-button disabled' : 'file-button'}>
        {t('task.attachments.choose')}
        <input
          id="task-upload"
          class="visually-hidden"
          type="file"
          disabled={busy}
          onChange={(e) => void upload(e.currentTarget)}
        />
      </label>
      <p class="hint">{t('task.attachments.limit', { size: size(MAX_BYTES) })}</p>
    </div>
  );
}
