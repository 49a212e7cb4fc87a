import { useEffect, useRef, useState } from 'preact/hooks';
import type { Locale } from '../../../lib/i18n';
import { decisionApi, type DmnLintIssue } from './api';
import { createDecisionModeler, type DmnModeler, type DmnView, type DmnViewer } from './dmn-modeler';

const LINT_DELAY_MS = 400;

export interface DecisionEditor {
  modeler: DmnModeler | null;
  ready: boolean;
  loadError: string | null;
  views: DmnView[];
  active: DmnView | null;
  /** null until the document has been checked once: never say "no problems" before looking. */
  issues: DmnLintIssue[] | null;
  /** The decision ids the document held at the last check (what a deploy would version). */
  decisionKeys: string[];
  dirty: boolean;
  setDirty(dirty: boolean): void;
  /** Replaces the document (an upload) and opens its first decision table. */
  load(xml: string): Promise<void>;
  open(view: DmnView): void;
  /** Checks the document as it stands now; the XML checked and the problems. */
  lintNow(): Promise<{ xml: string; issues: DmnLintIssue[] }>;
}

/**
 * dmn-js on a container: the document imported (`source` once loaded), rebuilt in the new
 * language when the locale changes (dmn-js reads `translate` when it renders, so a new modeler
 * is the one way to relabel it, keeping the edits), checked by the server after every change.
 */
export function useDecisionEditor(
  container: { current: HTMLElement | null },
  source: { xml: string; fileName: string; preferredKey: string } | null,
  locale: Locale,
): DecisionEditor {
  const [modeler, setModeler] = useState<DmnModeler | null>(null);
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [views, setViews] = useState<DmnView[]>([]);
  const [active, setActive] = useState<DmnView | null>(null);
  const [issues, setIssues] = useState<DmnLintIssue[] | null>(null);
  const [decisionKeys, setDecisionKeys] = useState<string[]>([]);
  const [dirty, setDirty] = useState(false);
  const current = useRef<DmnModeler | null>(null);
  // The document as last exported: what a rebuilt modeler (new language) imports.
  const latestXml = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const run = useRef(0);

  async function lintNow(): Promise<{ xml: string; issues: DmnLintIssue[] }> {
    const instance = current.current;
    if (!instance || !source) return { xml: '', issues: [] };
    const mine = ++run.current;
    const { xml = '' } = await instance.saveXML({ format: true });
    latestXml.current = xml;
    const result = await decisionApi.lint(xml, source.fileName);
    if (mine === run.current) {
      setIssues(result.issues);
      if (result.decisions.length) setDecisionKeys(result.decisions.map((d) => d.key));
    }
    return { xml, issues: result.issues };
  }

  function schedule() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      lintNow().catch((err: unknown) => setLoadError(err instanceof Error ? err.message : String(err)));
    }, LINT_DELAY_MS);
  }

  async function importInto(instance: DmnModeler, xml: string, preferredKey: string) {
    await instance.importXML(xml);
    // A table opens as a table: the DRD is one click away (dmn-js's own "View DRD" and our views).
    const all = instance.getViews();
    const table =
      all.find((v) => v.type === 'decisionTable' && v.element.id === preferredKey) ??
      all.find((v) => v.type === 'decisionTable');
    if (table) await instance.open(table);
    setViews(instance.getViews());
    setActive(instance.getActiveView() ?? null);
    schedule();
  }

  useEffect(() => {
    if (!container.current || !source) return undefined;
    const instance = createDecisionModeler(container.current, locale);
    current.current = instance;
    setModeler(instance);
    setReady(false);
    let disposed = false;
    const changed = () => {
      if (disposed) return;
      setDirty(true);
      schedule();
    };
    // Each view is its own editor with its own command stack; listen to every one dmn-js makes.
    instance.on('viewer.created', ({ viewer }: { viewer: DmnViewer }) => viewer.on('commandStack.changed', changed));
    instance.on('views.changed', () => {
      if (disposed) return;
      setViews(instance.getViews());
      setActive(instance.getActiveView() ?? null);
    });
    const keepView = active?.element.id ?? source.preferredKey;
    importInto(instance, latestXml.current ?? source.xml, keepView)
      .then(() => !disposed && setReady(true))
      .catch((err: unknown) => !disposed && setLoadError(err instanceof Error ? err.message : String(err)));
    return () => {
      disposed = true;
      if (timer.current) clearTimeout(timer.current);
      current.current = null;
      instance.destroy();
    };
  }, [source, locale]);

  return {
    modeler,
    ready,
    loadError,
    views,
    active,
    issues,
    decisionKeys,
    dirty,
    setDirty,
    async load(xml: string) {
      const instance = current.current;
      if (!instance) return;
      setIssues(null);
      await importInto(instance, xml, '');
      setDirty(true);
    },
    open(view: DmnView) {
      void current.current?.open(view);
    },
    lintNow,
  };
}
