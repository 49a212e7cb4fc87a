import { useState } from 'preact/hooks';
import { useT } from '../../lib/i18n';
import type { VariableType } from './api';
import { ReasonDialog } from './common';
import { parseDraft, TypedValueFields, type TypedDraft } from './TypedValue';

export type BulkAction = 'cancel' | 'retry' | 'migrate' | 'setVariables';

/** The question before a bulk action over the selected instances: it becomes one batch. */
export function BulkDialog({
  action,
  count,
  onClose,
  onConfirm,
}: {
  action: Exclude<BulkAction, 'migrate'>;
  count: number;
  onClose: () => void;
  onConfirm: (reason: string, variable?: { name: string; type: VariableType; value: unknown }) => Promise<void>;
}) {
  const t = useT();
  const [draft, setDraft] = useState<TypedDraft>({ name: '', type: 'string', text: '', checked: false });
  return (
    <ReasonDialog
      title={t(`ops.bulk.${action}.title`, { count })}
      body={t('ops.bulk.body', { count })}
      confirmLabel={t(`ops.bulk.${action}.confirm`)}
      danger={action === 'cancel'}
      onClose={onClose}
      onConfirm={async (reason) => {
        if (action !== 'setVariables') return onConfirm(reason);
        if (!/^[A-Za-z_]\w*$/.test(draft.name)) throw new Error(t('ops.var.badName'));
        const parsed = parseDraft(draft);
        if ('error' in parsed) throw new Error(t(parsed.error));
        return onConfirm(reason, { name: draft.name, type: draft.type, value: parsed.value });
      }}
    >
      {action === 'setVariables' && (
        <TypedValueFields id="ops-bulk-var" draft={draft} onChange={setDraft} nameEditable />
      )}
    </ReasonDialog>
  );
}
