import type Modeler from 'bpmn-js/lib/Modeler';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ConfirmDialog } from '../../app/Dialog';
import { currentQuery } from '../../app/router';
import { ApiError } from '../../lib/api';
import { formatDateTime, useLocale, useT } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { showToast } from '../../lib/toast';
import { designerApi, type DraftForm, type LintIssue, type PlatformLintData } from './api';
import { blankProcess } from './blank';
import { FormEditorDialog } from './forms/FormEditorDialog';
import { bpmnFileName, downloadDiagram } from './io';
import { describeIssue } from './lint/describe';
import { DiagramLinting } from './lint/linting';
import { LintPanel } from './lint/LintPanel';
import { createDesignerModeler } from './modeler-config';
import { emptyContext } from './properties/context';
import { designerContextModule, platformPropertiesModule } from './properties/PlatformPropertiesProvider';
import { simulationModules } from './simulation';
import { BpmnFileButtons, SimulationToggle } from './versions';
import './designer.css';

interface DraftState {
  revision: number;
  baseVersion: number | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

interface ElementLike {
  id: string;
  businessObject: { name?: string; $type: string; $instanceOf(type: string): boolean; get(name: string): unknown };
}

/** Loads what the page edits: the draft, else the latest deployed version, else a new process. */
async function loadSource(key: string, startLabel: string) {
  try {
    const draft = await designerApi.draft(key);
    return { xml: draft.xml, forms: draft.forms, draft: draft as DraftState };
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  const deployed = (await designerApi.definitions()).find((d) => d.key === key);
  const empty: DraftState = { revision: 0, baseVersion: deployed?.version ?? null, updatedBy: null, updatedAt: null };
  if (deployed) return { xml: await designerApi.definitionXml(deployed.id), forms: [], draft: empty };
  return { xml: blankProcess(key, currentQuery().get('name') ?? key, startLabel), forms: [], draft: empty };
}

/** `#/designer/:key` — the modeler with the properties panel, checks, forms, drafts and deploy. */
export function DesignerPage({ params }: { params: Record<string, string> }) {
  const key = params.key ?? '';
  const t = useT();
  const locale = useLocale();
  const { can } = useSession();
  const canvasRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const context = useMemo(() => emptyContext(), [key]);
  const [modeler, setModeler] = useState<Modeler | null>(null);
  const linting = useRef<DiagramLinting | null>(null);
  const lintData = useRef<PlatformLintData | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [draft, setDraft] = useState<DraftState>({ revision: 0, baseVersion: null, updatedBy: null, updatedAt: null });
  const [forms, setForms] = useState<DraftForm[]>([]);
  // null until the checks have run on the diagram once: never say "no problems" before looking.
  const [issues, setIssues] = useState<LintIssue[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDeploy, setConfirmDeploy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; details: LintIssue[] } | null>(null);
  const [formDialog, setFormDialog] = useState<{ form: DraftForm | null; elementId: string } | null>(null);
  const allowed = can('deployment', 'create');

  context.t = (k, p) => t(k, p);
  context.locale = locale;
  context.forms = forms;
  context.editForm = (formId, elementId) =>
    setFormDialog({ form: forms.find((f) => f.id === formId) ?? null, elementId });

  useEffect(() => {
    if (!allowed || !canvasRef.current || !panelRef.current) return undefined;
    const instance = createDesignerModeler({
      container: canvasRef.current,
      propertiesParent: panelRef.current,
      additionalModules: [platformPropertiesModule, designerContextModule(context), ...simulationModules],
    });
    let disposed = false;
    setModeler(instance);
    (async () => {
      const [catalog, data, source] = await Promise.all([
        designerApi.catalog(),
        designerApi.lintConfig(),
        loadSource(key, t('designer.start')),
      ]);
      if (disposed) return;
      context.catalog = catalog;
      context.forms = source.forms;
      lintData.current = data;
      setForms(source.forms);
      setDraft(source.draft);
      linting.current = new DiagramLinting(instance, withForms(data, source.forms), setIssues, (issue) =>
        describeIssue(issue, context.locale),
      );
      await instance.importXML(source.xml);
      fitDiagram(instance);
      instance.get<{ on(e: string, f: () => void): void }>('eventBus').on('commandStack.changed', () => setDirty(true));
      setReady(true);
    })().catch((err: unknown) => !disposed && setLoadError(err instanceof Error ? err.message : String(err)));
    return () => {
      disposed = true;
      linting.current?.destroy();
      linting.current = null;
      instance.destroy();
    };
  }, [key, allowed]);

  // The draft's own forms count as known forms for the lint, as they deploy together.
  useEffect(() => {
    if (lintData.current) linting.current?.setData(withForms(lintData.current, forms));
  }, [forms]);

  // Re-draw badges and the panel in the new language.
  useEffect(() => {
    linting.current?.schedule(0);
  }, [locale]);

  if (!allowed) return <p class="page">{t('designer.page.forbidden')}</p>;

  const errors = (issues ?? []).filter((i) => i.severity === 'error').length;
  const processName = (): string => {
    const definitions = modeler?.getDefinitions() as { rootElements?: { $type: string; name?: string }[] } | undefined;
    const root = definitions?.rootElements?.find((r) => r.$type === 'bpmn:Process');
    return root?.name || key;
  };

  function label(elementId: string): string {
    const element = modeler?.get<{ get(id: string): ElementLike | undefined }>('elementRegistry').get(elementId);
    return element?.businessObject.name || elementId;
  }

  function select(elementId: string) {
    if (!modeler) return;
    const element = modeler.get<{ get(id: string): ElementLike | undefined }>('elementRegistry').get(elementId);
    if (!element) return;
    modeler.get<{ select(e: unknown): void }>('selection').select(element);
    modeler.get<{ scrollToElement(e: unknown): void }>('canvas').scrollToElement(element);
  }

  async function save(baseVersion?: number): Promise<boolean> {
    if (!modeler) return false;
    setBusy(true);
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const saved = await designerApi.saveDraft(key, {
        xml: xml ?? '',
        name: processName(),
        forms,
        revision: draft.revision,
        ...(baseVersion !== undefined ? { baseVersion } : {}),
      });
      setDraft(saved);
      setDirty(false);
      showToast('success', t('designer.saved', { revision: saved.revision }));
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'DRAFT_STALE')
        showToast('error', t('designer.stale', { revision: revisionText(err.extra.currentRevision) }));
      else showToast('error', t('designer.error', { message: err instanceof Error ? err.message : String(err) }));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function deploy() {
    if (!modeler) return;
    setBusy(true);
    setProblem(null);
    try {
      const found = (await linting.current?.lintNow()) ?? [];
      if (found.some((i) => i.severity === 'error')) return;
      const { xml } = await modeler.saveXML({ format: true });
      const result = await designerApi.deploy({
        xml: xml ?? '',
        name: processName(),
        forms: forms.map((f) => ({ ...f.schema, id: f.id })),
      });
      const version = result.definition.version;
      showToast(
        'success',
        result.created ? t('designer.deployed', { version }) : t('designer.deployUnchanged', { version }),
      );
      setConfirmDeploy(false);
      setBusy(false);
      // The draft goes on from the version just deployed (its forms stay editable here).
      await save(version);
    } catch (err) {
      setConfirmDeploy(false);
      if (err instanceof ApiError) {
        const details = (err.details as unknown as LintIssue[]).filter((d) => typeof d.elementId === 'string');
        setProblem({ message: err.message, details });
      } else setProblem({ message: err instanceof Error ? err.message : String(err), details: [] });
    } finally {
      setBusy(false);
    }
  }

  function formSaved(form: DraftForm) {
    const target = formDialog;
    const previous = target?.form?.id;
    setForms((list) => [...list.filter((f) => f.id !== previous && f.id !== form.id), form]);
    setFormDialog(null);
    setDirty(true);
    if (target && modeler) {
      const element = modeler
        .get<{ get(id: string): ElementLike | undefined }>('elementRegistry')
        .get(target.elementId);
      if (element) {
        modeler
          .get<{ updateModdleProperties(e: unknown, bo: unknown, p: Record<string, unknown>): void }>('modeling')
          .updateModdleProperties(element, element.businessObject, { 'camunda:formKey': form.id });
      }
    }
  }

  return (
    <section class="designer-page" aria-labelledby="designer-title">
      <header class="designer-header">
        <h1 id="designer-title">{t('designer.page.title', { name: ready ? processName() : key })}</h1>
        <p class="hint designer-state">
          {draft.updatedAt
            ? t('designer.page.draftState', {
                revision: draft.revision,
                user: draft.updatedBy ?? '',
                time: formatDateTime(draft.updatedAt),
              })
            : t('designer.page.newState')}
          {dirty && <span class="designer-dirty"> · {t('designer.page.unsaved')}</span>}
        </p>
        <nav class="toolbar designer-toolbar" aria-label={t('designer.title')}>
          <a href="#/designer">{t('designer.page.back')}</a>
          <a href={`#/designer/${encodeURIComponent(key)}/versions`}>{t('designer.page.versions')}</a>
          <button type="button" disabled={!ready || busy} onClick={() => void save()}>
            {t('designer.save')}
          </button>
          <button
            type="button"
            class="primary"
            disabled={!ready || busy || issues === null || errors > 0}
            aria-describedby={errors > 0 ? 'deploy-blocked' : undefined}
            onClick={() => setConfirmDeploy(true)}
          >
            {t('designer.deploy')}
          </button>
          {errors > 0 && (
            <span id="deploy-blocked" class="hint">
              {t('designer.deployBlocked', { count: errors })}
            </span>
          )}
          <SimulationToggle modeler={ready ? modeler : null} />
          <BpmnFileButtons
            disabled={!ready || !modeler}
            onDownload={async () => {
              if (modeler) await downloadDiagram(modeler, bpmnFileName(key));
            }}
            onUpload={async (file) => {
              if (!modeler) return;
              await modeler.importXML(file.xml);
              fitDiagram(modeler);
              setDirty(true);
            }}
          />
        </nav>
      </header>
      {loadError && (
        <p role="alert" class="form-error">
          {t('designer.error', { message: loadError })}
        </p>
      )}
      {problem && (
        <div role="alert" class="designer-problem">
          <p>{t('designer.deployFailed', { message: problem.message })}</p>
          {problem.details.length > 0 && (
            <ul aria-label={t('designer.deployProblems')}>
              {problem.details.map((d, i) => (
                <li key={i}>
                  <button type="button" class="link" onClick={() => select(d.elementId)}>
                    {label(d.elementId)}
                  </button>
                  : {describeIssue(d, locale)}
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => setProblem(null)}>
            {t('designer.close')}
          </button>
        </div>
      )}
      <div class="designer-body">
        <div class="designer-main">
          {/* over the canvas, not above it: the diagram must not move when loading ends */}
          {!ready && !loadError && (
            <p role="status" class="designer-loading">
              {t('designer.page.loading')}
            </p>
          )}
          <div
            ref={canvasRef}
            class="designer-canvas"
            role="application"
            aria-label={t('designer.page.canvas')}
            data-ready={ready ? 'true' : 'false'}
          />
          <LintPanel
            issues={issues}
            label={label}
            describe={(issue) => describeIssue(issue, locale)}
            onSelect={select}
          />
        </div>
        <aside ref={panelRef} class="designer-properties" aria-label={t('designer.page.properties')} />
      </div>
      {confirmDeploy && (
        <ConfirmDialog
          title={t('designer.deployConfirmTitle')}
          body={t('designer.deployConfirm', { name: processName(), key })}
          confirmLabel={t('designer.deploy')}
          cancelLabel={t('designer.cancel')}
          busy={busy}
          onConfirm={() => void deploy()}
          onCancel={() => setConfirmDeploy(false)}
        />
      )}
      {formDialog && (
        <FormEditorDialog
          form={formDialog.form}
          suggestedId={`${key}.${formDialog.elementId}`.replace(/[^\w.-]/g, '_')}
          takenIds={forms.map((f) => f.id)}
          onSave={formSaved}
          onClose={() => setFormDialog(null)}
        />
      )}
    </section>
  );
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Room the floating palette takes at the canvas's left edge, in screen pixels. */
const PALETTE_ROOM = 140;
const EDGE_ROOM = 20;

/**
 * A diagram opens whole, beside the palette (diagram-js's own fit-viewport would put its first
 * shapes under it), vertically centred, and never zoomed in past 100 %.
 */
function fitDiagram(modeler: { get<T>(name: string): T }): void {
  const canvas = modeler.get<{ viewbox(box?: Box): Box & { inner: Box; outer: Box } }>('canvas');
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) return;
  const scale = Math.min(
    1,
    (outer.width - PALETTE_ROOM - EDGE_ROOM) / inner.width,
    (outer.height - 2 * EDGE_ROOM) / inner.height,
  );
  const width = outer.width / scale;
  const height = outer.height / scale;
  canvas.viewbox({
    x: inner.x - PALETTE_ROOM / scale,
    y: inner.y - (height - inner.height) / 2,
    width,
    height,
  });
}

function withForms(data: PlatformLintData, forms: DraftForm[]): PlatformLintData {
  return data.forms ? { ...data, forms: [...new Set([...data.forms, ...forms.map((f) => f.id)])] } : data;
}

/** The current revision a DRAFT_STALE answer names, as text for the message. */
function revisionText(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
}
