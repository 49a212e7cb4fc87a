import { useT } from '../../../lib/i18n';
import type { LintIssue } from '../api';

interface Props<I extends LintIssue> {
  /** null while the checks have not yet run on this diagram. */
  issues: I[] | null;
  /** The element's label for the list (its name, else its id). */
  label: (elementId: string) => string;
  describe: (issue: I) => string;
  onSelect: (elementId: string) => void;
}

/**
 * The lint issue list beside the diagram (or decision table); choosing an issue selects its
 * element. Generic so that the DMN check's issues (with their line) are described as they are.
 */
export function LintPanel<I extends LintIssue>({ issues, label, describe, onSelect }: Props<I>) {
  const t = useT();
  if (issues === null) {
    return (
      <section class="lint-panel" aria-labelledby="lint-title" aria-busy="true">
        <h2 id="lint-title">{t('designer.lint.title')}</h2>
        <p role="status" class="lint-summary">
          {t('designer.lint.pending')}
        </p>
      </section>
    );
  }
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  return (
    <section class="lint-panel" aria-labelledby="lint-title">
      <h2 id="lint-title">{t('designer.lint.title')}</h2>
      <p role="status" class={errors ? 'lint-summary has-errors' : 'lint-summary'}>
        {issues.length === 0 ? t('designer.lint.none') : t('designer.lint.summary', { errors, warnings })}
      </p>
      {issues.length > 0 && (
        <ul class="lint-list" aria-label={t('designer.lint.listLabel')}>
          {issues.map((issue, i) => (
            <li key={`${issue.rule}-${issue.elementId}-${i}`} class={`lint-item lint-${issue.severity}`}>
              <button type="button" onClick={() => issue.elementId && onSelect(issue.elementId)}>
                <span class="lint-severity">
                  {issue.severity === 'error' ? t('designer.lint.error') : t('designer.lint.warning')}
                </span>{' '}
                <span class="lint-element">{issue.elementId ? label(issue.elementId) : ''}</span>{' '}
                <span class="lint-message">{describe(issue)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
