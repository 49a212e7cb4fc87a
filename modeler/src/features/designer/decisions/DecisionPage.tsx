import { useEffect, useRef, useState } from 'preact/hooks';
import { ConfirmDialog } from '../../../app/Dialog';
import { currentQuery } from '../../../app/router';
import { ApiError } from '../../../lib/api';
import { useLocale, useT } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { showToast } from '../../../lib/toast';
import { bpmnFileName, downloadXml } from '../io';
import { LintPanel } from '../lint/LintPanel';
import { BpmnFileButtons, VersionList } from '../versions';
import { decisionApi, decisionVersions, type DecisionDefinition, type DmnLintIssue } from './api';
import { blankDecision } from './blank';
import { useDecisionEditor } from './useDecisionEditor';
import '../designer.css';
import './decisions.css';

/** What the page opens: the latest deployed version of the key, else a new table. */
async function loadSource(key: string, labels: { input: string; output: string }) {
  try {
    const latest = await decisionApi.latestOf(key);
    return { xml: await decisionApi.xml(latest.id), version: latest.version as number | null };
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  return { xml: blankDecision(key, currentQuery().get('name') ?? key, labels), version: null };
}

/**
 * `#/designer-dmn/:key` — a DMN document in dmn-js (decision tables, the DRD), checked by the
 * server's DMN parser as it changes, deployed as new versions of its decisions, with the key's
 * versions below. The BPMN designer's lint panel, file buttons and version list, reused.
 */
export function DecisionPage({ params }: { params: Record<string, string> }) {
  const key = params.key ?? '';
  const t = useT();
  const locale = useLocale();
  const { can } = useSession();
  const allowed = can('deployment', 'create');
  const canvasRef = useRef<HTMLDivElement>(null);
  const [source, setSource] = useState<{ xml: string; fileName: string; preferredKey: string } | null>(null);
  const [baseVersion, setBaseVersion] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDeploy, setConfirmDeploy] = useState(false);
  const [versionsShown, setVersionsShown] = useState(0);
  const editor = useDecisionEditor(canvasRef, source, locale);
  const fileName = bpmnFileName(key, null, 'dmn');

  useEffect(() => {
    if (!allowed) return;
    const labels = { input: t('designer.dmn.blank.input'), output: t('designer.dmn.blank.output') };
    loadSource(key, labels)
      .then((s) => {
        setSource({ xml: s.xml, fileName, preferredKey: key });
        setBaseVersion(s.version);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [key, allowed]);

  if (!allowed) return <p class="page">{t('designer.page.forbidden')}</p>;

  const issues = editor.issues;
  const errors = (issues ?? []).filter((i) => i.severity === 'error').length;
  const decisionName = (id: string) => editor.views.find((v) => v.element.id === id)?.element.name || id;

  function select(elementId: string) {
    const view = editor.views.find((v) => v.element.id === elementId);
    if (view) editor.open(view);
  }

  function describe(issue: DmnLintIssue): string {
    return issue.line ? `${issue.message} (${t('designer.dmn.lintLine', { line: issue.line })})` : issue.message;
  }

  async function deploy() {
    setBusy(true);
    setError(null);
    try {
      const { xml, issues: found } = await editor.lintNow();
      if (found.some((i) => i.severity === 'error')) return;
      const result = await decisionApi.deploy(xml, fileName);
      const list = result.decisions
        .map((d: DecisionDefinition) => t('designer.dmn.deployedOne', { key: d.key, version: d.version }))
        .join(', ');
      showToast(
        'success',
        result.created ? t('designer.dmn.deployed', { list }) : t('designer.dmn.unchanged', { list }),
      );
      const mine = result.decisions.find((d) => d.key === key) ?? result.decisions[0];
      if (mine) setBaseVersion(mine.version);
      editor.setDirty(false);
      setVersionsShown((n) => n + 1);
    } catch (err) {
      setError(t('designer.deployFailed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
      setConfirmDeploy(false);
    }
  }

  const ready = editor.ready;
  return (
    <section class="designer-page decision-page" aria-labelledby="decision-title">
      <header class="designer-header">
        <h1 id="decision-title">{t('designer.dmn.page.title', { name: decisionName(key) })}</h1>
        <p class="hint designer-state">
          {baseVersion ? t('designer.dmn.page.fromVersion', { version: baseVersion }) : t('designer.dmn.page.new')}
          {editor.dirty && <span class="designer-dirty"> · {t('designer.page.unsaved')}</span>}
        </p>
        <nav class="toolbar designer-toolbar" aria-label={t('designer.dmn.page.editor')}>
          <a href="#/designer">{t('designer.dmn.page.back')}</a>
          <button type="button" onClick={() => document.getElementById('decision-versions')?.scrollIntoView()}>
            {t('designer.dmn.page.versions')}
          </button>
          <button
            type="button"
            class="primary"
            disabled={!ready || busy || issues === null || errors > 0}
            aria-describedby={errors > 0 ? 'decision-deploy-blocked' : undefined}
            onClick={() => setConfirmDeploy(true)}
          >
            {t('designer.deploy')}
          </button>
          {errors > 0 && (
            <span id="decision-deploy-blocked" class="hint">
              {t('designer.deployBlocked', { count: errors })}
            </span>
          )}
          <BpmnFileButtons
            kind="dmn"
            disabled={!ready || !editor.modeler}
            onDownload={async () => downloadXml((await editor.lintNow()).xml, fileName)}
            onUpload={(file) => editor.load(file.xml)}
          />
        </nav>
        {editor.views.length > 1 && (
          <nav class="decision-views" aria-label={t('designer.dmn.page.views')}>
            {editor.views.map((v) => (
              <button
                key={`${v.type}:${v.element.id}`}
                type="button"
                aria-pressed={editor.active === v}
                onClick={() => editor.open(v)}
              >
                {v.type === 'drd' ? t('designer.dmn.page.drd') : v.element.name || v.element.id}
              </button>
            ))}
          </nav>
        )}
      </header>
      {(error ?? editor.loadError) && (
        <p role="alert" class="form-error">
          {error ?? t('designer.error', { message: editor.loadError ?? '' })}
        </p>
      )}
      <div class="designer-main">
        {/* over the editor, not above it: the table must not move when loading ends */}
        {!ready && !error && !editor.loadError && (
          <p role="status" class="designer-loading">
            {t('designer.dmn.page.loading')}
          </p>
        )}
        <div
          ref={canvasRef}
          class="decision-canvas"
          role="application"
          aria-label={t('designer.dmn.page.editor')}
          data-ready={ready ? 'true' : 'false'}
        />
        <LintPanel issues={issues} label={decisionName} describe={describe} onSelect={select} />
      </div>
      <section id="decision-versions" class="decision-versions" aria-label={t('designer.dmn.page.versions')}>
        <VersionList key={versionsShown} definitionKey={key} source={decisionVersions} />
      </section>
      {confirmDeploy && (
        <ConfirmDialog
          title={t('designer.dmn.deployConfirmTitle')}
          body={t('designer.dmn.deployConfirm', { keys: editor.decisionKeys.join(', ') || key })}
          confirmLabel={t('designer.deploy')}
          cancelLabel={t('designer.cancel')}
          busy={busy}
          onConfirm={() => void deploy()}
          onCancel={() => setConfirmDeploy(false)}
        />
      )}
    </section>
  );
}
