import type Modeler from 'bpmn-js/lib/Modeler';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../../../lib/i18n';
import { downloadDiagram, type BpmnFile } from '../io';
import { createDesignerModeler } from '../modeler-config';
import { simulationModules } from '../simulation';
import { BpmnFileButtons } from './BpmnFileButtons';
import { SimulationToggle } from './SimulationToggle';
import './versions.css';

interface Result {
  name: string;
  warnings: string[];
  shapes: number;
  edges: number;
  error: string | null;
}

interface RegistryElement {
  waypoints?: unknown;
  type: string;
  labelTarget?: unknown;
  parent?: unknown;
}

/**
 * `#/designer-import` — opens any .bpmn file in the designer's own Modeler configuration and
 * reports import warnings and what was drawn; "Download .bpmn" saves it back unchanged. The
 * browser tests of real-world files (BPMN MIWG corpus, Camunda Modeler 7 files) drive this page.
 */
export function ImportCheckPage() {
  const t = useT();
  const canvas = useRef<HTMLDivElement>(null);
  const properties = useRef<HTMLDivElement>(null);
  const modeler = useRef<Modeler | null>(null);
  const [ready, setReady] = useState<Modeler | null>(null);
  const [result, setResult] = useState<Result | null>(null);

  useEffect(() => {
    if (!canvas.current) return undefined;
    const m = createDesignerModeler({
      container: canvas.current,
      propertiesParent: properties.current ?? undefined,
      additionalModules: simulationModules,
    });
    modeler.current = m;
    setReady(m);
    return () => m.destroy();
  }, []);

  async function open(file: BpmnFile) {
    const m = modeler.current;
    if (!m) return;
    setResult(null);
    try {
      const { warnings } = await m.importXML(file.xml);
      m.get<{ zoom(level: string): void }>('canvas').zoom('fit-viewport');
      const elements = m.get<{ getAll(): RegistryElement[] }>('elementRegistry').getAll();
      // Roots (process, collaboration, a collapsed subprocess's plane) are not drawn; labels belong to their element.
      const drawn = elements.filter((e) => e.type !== 'label' && e.parent);
      setResult({
        name: file.name,
        warnings: warnings.map((w) => (w as { message?: string }).message ?? String(w)),
        shapes: drawn.filter((e) => !e.waypoints).length,
        edges: drawn.filter((e) => e.waypoints).length,
        error: null,
      });
    } catch (err) {
      setResult({
        name: file.name,
        warnings: [],
        shapes: 0,
        edges: 0,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  return (
    <section class="page">
      <h1>{t('designer.import.title')}</h1>
      <BpmnFileButtons
        onUpload={open}
        onDownload={
          result && !result.error && modeler.current ? () => downloadDiagram(modeler.current!, result.name) : undefined
        }
      />
      {result && !result.error && (
        <div class="versions-toolbar">
          <SimulationToggle modeler={ready} />
        </div>
      )}
      {result && (
        <output
          data-testid="import-result"
          data-file={result.name}
          data-warnings={result.warnings.length}
          data-error={result.error ?? ''}
          role={result.error ? 'alert' : 'status'}
        >
          {result.error
            ? t('designer.import.error', { name: result.name, message: result.error })
            : t('designer.import.result', {
                name: result.name,
                warnings: result.warnings.length,
                shapes: result.shapes,
                edges: result.edges,
              })}
        </output>
      )}
      {result && result.warnings.length > 0 && (
        <ul aria-label={t('designer.import.warnings')}>
          {result.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <div class="import-panes">
        <div ref={canvas} class="bpmn-readonly" data-testid="import-canvas" aria-label={t('designer.import.diagram')} />
        <div ref={properties} />
      </div>
    </section>
  );
}
