import BpmnModdle from 'bpmn-moddle';
import { Linter } from 'bpmnlint';
import type Modeler from 'bpmn-js/lib/Modeler';
import { completeFlowReferences, platformLinter, toIssues, type LintIssue } from '../../../../../server/lint/config';
import type { PlatformLintData } from '../../../../../server/lint/rules/support';
import { camundaModdleExtensions } from '../modeler-config';

interface EventBus {
  on(event: string, callback: () => void): void;
  off(event: string, callback: () => void): void;
}

interface Overlays {
  add(elementId: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): string;
  remove(filter: { type: string }): void;
}

interface ElementRegistry {
  get(id: string): unknown;
}

const OVERLAY = 'platform-lint';

/**
 * Checks while drawing (issue 7): runs the platform's lint configuration — the very rule
 * modules and platform data the server runs at deploy (server/lint/config.ts) — on the
 * modeler's model after every change, marks the elements on the diagram and reports the issues.
 */
export class DiagramLinting {
  private setup: ReturnType<typeof platformLinter>;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private run = 0;
  private readonly onChange = () => this.schedule();

  constructor(
    private readonly modeler: Modeler,
    data: PlatformLintData,
    private readonly onIssues: (issues: LintIssue[]) => void,
    private readonly describe: (issue: LintIssue) => string,
  ) {
    this.setup = platformLinter(data);
    const bus = modeler.get<EventBus>('eventBus');
    bus.on('commandStack.changed', this.onChange);
    bus.on('import.done', this.onChange);
  }

  setData(data: PlatformLintData): void {
    this.setup = platformLinter(data);
    this.schedule();
  }

  schedule(delayMs = 150): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.lintNow(), delayMs);
  }

  async lintNow(): Promise<LintIssue[]> {
    const run = ++this.run;
    if (!this.modeler.getDefinitions()) return [];
    // Lint what a save would send, read back as the server reads it (its own bpmn-moddle with the
    // Camunda extension): the same XML, the same reading, the same rules — never the live model,
    // whose ids and references the modeler owns.
    const { xml } = await this.modeler.saveXML();
    const { rootElement } = await new BpmnModdle(camundaModdleExtensions).fromXML(xml ?? '');
    completeFlowReferences(rootElement);
    // A new Linter per run, as the server does: bpmnlint's rules keep state per rule instance
    // (no-duplicate-sequence-flows remembers the flows it saw), and the Linter caches instances.
    const issues = toIssues(await new Linter(this.setup).lint(rootElement));
    if (run !== this.run) return issues;
    this.mark(issues);
    this.onIssues(issues);
    return issues;
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    const bus = this.modeler.get<EventBus>('eventBus');
    bus.off('commandStack.changed', this.onChange);
    bus.off('import.done', this.onChange);
  }

  /** One badge per element with issues: its count, red for errors, amber for warnings only. */
  private mark(issues: LintIssue[]): void {
    const overlays = this.modeler.get<Overlays>('overlays');
    const registry = this.modeler.get<ElementRegistry>('elementRegistry');
    overlays.remove({ type: OVERLAY });
    const byElement = new Map<string, LintIssue[]>();
    for (const issue of issues) {
      if (!issue.elementId || !registry.get(issue.elementId)) continue;
      byElement.set(issue.elementId, [...(byElement.get(issue.elementId) ?? []), issue]);
    }
    for (const [elementId, list] of byElement) {
      const badge = document.createElement('div');
      const error = list.some((i) => i.severity === 'error');
      badge.className = `lint-badge ${error ? 'lint-error' : 'lint-warn'}`;
      badge.textContent = String(list.length);
      badge.title = list.map((i) => this.describe(i)).join('\n');
      badge.dataset.elementId = elementId;
      overlays.add(elementId, OVERLAY, { position: { top: -8, right: 8 }, html: badge });
    }
  }
}
