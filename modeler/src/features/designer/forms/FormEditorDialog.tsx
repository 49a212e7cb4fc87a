import { useEffect, useRef, useState } from 'preact/hooks';
import { Dialog } from '../../../app/Dialog';
import { useT } from '../../../lib/i18n';
import type { DraftForm } from '../api';
import type { MountedFormEditor } from './form-editor';

const FORM_ID = /^[A-Za-z][\w.-]{0,99}$/;

/** A new form starts with one field, so that it is usable as it is and shows how fields look. */
export function starterSchema(id: string, label: string): Record<string, unknown> {
  return {
    type: 'default',
    id,
    components: [{ type: 'textarea', key: 'comment', label, id: 'Field_comment' }],
  };
}

interface Props {
  /** The form to edit; null for a new form. */
  form: DraftForm | null;
  suggestedId: string;
  /** Ids already taken by other forms of the draft. */
  takenIds: string[];
  onSave: (form: DraftForm) => void;
  onClose: () => void;
}

/** The form designer (form-js editor) for one task form, saved with the draft. */
export function FormEditorDialog({ form, suggestedId, takenIds, onSave, onClose }: Props) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<MountedFormEditor | null>(null);
  const [formId, setFormId] = useState(form?.id ?? suggestedId);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let disposed = false;
    void import('./form-editor')
      .then(async ({ mountFormEditor }) => {
        if (disposed || !container.current) return;
        const schema = form?.schema ?? starterSchema(formId, t('designer.forms.starterLabel'));
        editor.current = await mountFormEditor(container.current, schema);
        if (disposed) editor.current.destroy();
        else setReady(true);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    return () => {
      disposed = true;
      editor.current?.destroy();
      editor.current = null;
    };
  }, []);

  function save() {
    const id = formId.trim();
    if (!FORM_ID.test(id)) return setError(t('designer.forms.badId'));
    if (id !== form?.id && takenIds.includes(id)) return setError(t('designer.forms.takenId', { id }));
    if (!editor.current) return;
    onSave({ id, schema: { ...editor.current.save(), id } });
  }

  return (
    <Dialog
      title={form ? t('designer.forms.editTitle', { id: form.id }) : t('designer.forms.newTitle')}
      onClose={onClose}
    >
      <div class="form-editor-dialog">
        <label class="field">
          <span>{t('designer.forms.id')}</span>
          <input value={formId} onInput={(e) => setFormId(e.currentTarget.value)} aria-describedby="form-id-hint" />
        </label>
        <p id="form-id-hint" class="hint">
          {t('designer.forms.idHint')}
        </p>
        <div ref={container} class="form-editor-canvas" aria-label={t('designer.forms.canvas')} aria-busy={!ready} />
        {error && (
          <p role="alert" class="form-error">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('designer.cancel')}
          </button>
          <button type="button" class="primary" disabled={!ready} onClick={save}>
            {t('designer.forms.save')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
