import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import camundaPackage from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { BUILTIN_ROLES } from '../../../permissions/roles.js';
import { readCatalogue, PROCESSES_DIR } from '../../../server/processes/catalogue.js';
import { formIdOfKey } from '../../../server/forms/forms.service.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

/**
 * STYLE.md habit 9 / issue 5 §8: `processes/` is code. Every shipped file deploys; every
 * service, form and role it references exists; every user task has a form and a deadline.
 */
const catalogue = await readCatalogue();
const roles = new Set<string>(BUILTIN_ROLES.map((r) => r.code));
const formIds = new Set(catalogue.forms.map((f) => (JSON.parse(f.text) as { id: string }).id));

interface Parsed {
  file: string;
  process: ModdleElement;
  elements: ModdleElement[];
}

async function parse(file: string, xml: string): Promise<Parsed> {
  const { rootElement } = await new BpmnModdle({ camunda: camundaPackage }).fromXML(xml);
  const process = ((rootElement.rootElements as ModdleElement[]) ?? []).find(
    (e) => e.$type === 'bpmn:Process' && e.isExecutable,
  ) as ModdleElement;
  const elements: ModdleElement[] = [];
  const walk = (container: ModdleElement) => {
    for (const e of (container.flowElements as ModdleElement[] | undefined) ?? []) {
      elements.push(e);
      if (e.$type === 'bpmn:SubProcess') walk(e);
    }
  };
  walk(process);
  return { file, process, elements };
}

const parsed = await Promise.all(catalogue.processes.map((p) => parse(p.file, p.text)));
const userTasks = parsed.flatMap((p) =>
  p.elements.filter((e) => e.$type === 'bpmn:UserTask').map((e) => [`${p.file} ${e.id as string}`, e] as const),
);

describe('processes/ catalogue: shipped files', () => {
  it('has the processes of issue 5', () => {
    expect(catalogue.processes.length).toBeGreaterThan(0);
    expect(PROCESSES_DIR).toMatch(/processes\/$/);
  });

  it.each(catalogue.forms.map((f) => [f.file, f.text] as const))('%s is a form-js schema with an id', (file, text) => {
    const form = JSON.parse(text) as { id?: string; components?: unknown[] };
    expect(form.id, file).toMatch(/^[A-Za-z][\w.-]*$/);
    expect(`${form.id}.form`).toBe(file);
    expect(Array.isArray(form.components)).toBe(true);
  });

  it.each(userTasks)('user task %s has a form, a deadline and known roles', (_name, task) => {
    const formKey = task.formKey as string | undefined;
    expect(formKey, 'formKey').toBeTruthy();
    expect(formIds.has(formIdOfKey(formKey!)), `form ${formKey} in processes/forms`).toBe(true);
    expect(task.dueDate, 'dueDate').toBeTruthy();
    const groups = String(task.candidateGroups ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    expect(groups.length + (task.assignee ? 1 : 0) + (task.candidateUsers ? 1 : 0)).toBeGreaterThan(0);
    for (const group of groups) {
      // 'applicant' addresses a customer step to the customer who applied (server/access/applicant-task.ts)
      if (!group.includes('${') && group !== 'applicant') expect(roles.has(group), `role ${group}`).toBe(true);
    }
  });
});

describe.each(BACKENDS)('processes/ catalogue: deployed on start (%s)', (backend) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(() => t?.close());

  it('deployed every file on start, as the shipped XML', async () => {
    const designer = await t.as('designer');
    for (const p of parsed) {
      const list = await designer.get(`/api/v1/process-definitions?key=${p.process.id as string}`);
      expect(list.body.items, `${p.file} deployed`).toHaveLength(1);
      const xml = await designer.get(`/api/v1/process-definitions/${list.body.items[0].id}/xml`);
      expect(xml.body).toBe(readFileSync(`${PROCESSES_DIR}${p.file}`, 'utf8'));
    }
  });

  it('deploys again as the same versions (idempotent)', async () => {
    const designer = await t.as('designer');
    for (const p of catalogue.processes) {
      const res = await designer.post('/api/v1/deployments', { xml: p.text });
      expect(res.status, `${p.file}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body).toMatchObject({ created: false, definition: { version: 1 } });
    }
  });

  it('references only registered services, deployed forms and existing roles', async () => {
    const registry = t.platform.services.registry;
    const forms = await (await t.as('designer')).get('/api/v1/forms');
    const deployedForms = new Set(forms.body.items.map((f: { formId: string }) => f.formId));
    for (const p of parsed) {
      for (const e of p.elements) {
        if (e.$type === 'bpmn:ServiceTask' || e.$type === 'bpmn:SendTask') {
          const name = /^\$\{\s*([\w.-]+)\s*\}$/.exec(String(e.delegateExpression ?? ''))?.[1] ?? e.topic;
          expect(registry.has(String(name)), `${p.file} ${e.id as string}: service ${String(name)}`).toBe(true);
        }
        if (e.$type === 'bpmn:UserTask') {
          expect(deployedForms.has(formIdOfKey(String(e.formKey))), `${p.file} ${e.id as string}`).toBe(true);
        }
      }
    }
    const dbRoles = new Set(await t.platform.db('roles').pluck('code'));
    for (const role of roles) expect(dbRoles.has(role)).toBe(true);
  });

  it('resolves every user task deadline to a date for every connection class', async () => {
    const { resolveDeadline } = await import('../../../server/lib/deadlines.js');
    const start = new Date('2025-03-03T01:00:00Z');
    for (const [name, task] of userTasks) {
      const due = String(task.dueDate);
      if (due.includes('${')) continue;
      for (const acceptClass of ['01', '02', '03', '04']) {
        expect(() => resolveDeadline(due, start, { acceptClass }), name).not.toThrow();
      }
    }
  });
});
