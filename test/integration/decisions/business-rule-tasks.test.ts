import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { completeAt, instance, start } from '../../support/workflow.js';
import { decidingProcess, routedProcess, routingTable } from './dmn-fixtures.js';

/**
 * Business rule tasks as Camunda 7 runs them: the decision resolved at run time by key and
 * binding, evaluated as a job, its result mapped (mapDecisionResult) into the result variable,
 * every evaluation kept in history; a failing evaluation is an incident.
 */
describe.each(BACKENDS)('business rule tasks (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  let clerk: ApiClient;

  const deployDmn = async (xml: string) => {
    const res = await designer.post('/api/v1/deployments', { xml });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body as { created: boolean; deploymentId: string; decisions: { id: string; version: number }[] };
  };
  const deployBpmn = async (xml: string, decisions: string[] = []) => {
    const res = await designer.post('/api/v1/deployments', { xml, decisions });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body as {
      definition: { id: string; deploymentId: string };
      decisions: { key: string; version: number; deploymentId: string }[];
      warnings: { rule: string; message: string }[];
    };
  };
  /** Starts an instance as the Xihu clerk and lets its jobs run until it rests. */
  const run = async (key: string, variables: Record<string, unknown>) => {
    const started = await start(clerk, key, { variables });
    await t.platform.executor.drain();
    return instance(clerk, started.id) as Promise<{
      id: string;
      status: string;
      variables: Record<string, unknown>;
    }>;
  };

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    designer = await t.as('designer');
    clerk = await t.as('xh.clerk');
    // One table for the result mappings: COLLECT, so a test picks how many rules match by amount.
    await deployDmn(
      routingTable(
        'grade',
        [
          ['>= 0', '"small"', '"auto"'],
          ['>= 100', '"large"', '"manual"'],
        ],
        { hitPolicy: 'COLLECT', outputs: ['size', 'route'] },
      ),
    );
    await deployDmn(
      routingTable(
        'size',
        [
          ['>= 0', '"small"'],
          ['>= 100', '"large"'],
        ],
        { hitPolicy: 'COLLECT', outputs: ['size'] },
      ),
    );
  });
  afterAll(() => t?.close());

  describe('deploy and version', () => {
    it('deploys a DMN document as the next version of each decision, unchanged documents as the same version', async () => {
      const v1 = routingTable('tariffRoute', [['< 100', '"auto"']], { name: '电价路由' });
      const first = await designer.post('/api/v1/deployments', { xml: v1, name: 'tariff-route.dmn' });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({
        created: true,
        decisions: [
          {
            key: 'tariffRoute',
            version: 1,
            name: '电价路由',
            resourceName: 'tariff-route.dmn',
            deployedBy: 'designer',
          },
        ],
      });
      const again = await designer.post('/api/v1/deployments', { xml: v1 });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ created: false, decisions: [{ key: 'tariffRoute', version: 1 }] });
      // as a multipart upload, as Camunda Modeler and curl send files
      const form = new FormData();
      form.append('file', new Blob([routingTable('tariffRoute', [['< 200', '"auto"']])]), 'tariff-route.dmn');
      const second = await designer.post('/api/v1/deployments', form);
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      expect(second.body.decisions[0]).toMatchObject({ key: 'tariffRoute', version: 2 });

      const latest = await designer.get('/api/v1/decision-definitions?key=tariffRoute&latestVersion=true');
      expect(latest.body.items.map((d: { version: number }) => d.version)).toEqual([2]);
      const all = await designer.get('/api/v1/decision-definitions?key=tariffRoute');
      expect(all.body.items.map((d: { version: number }) => d.version)).toEqual([2, 1]);
      const xml = await designer.get(`/api/v1/decision-definitions/${all.body.items[1].id}/xml`);
      expect(xml.body).toBe(v1);
      const byKey = await designer.get('/api/v1/decision-definitions/key/tariffRoute');
      expect(byKey.body).toMatchObject({ version: 2, decisionRequirementsKey: 'tariffRoute_drd' });
    });

    it('refuses a DMN document that does not parse, naming the decision and element', async () => {
      const broken = routingTable('broken', [['[1..', '"x"']]);
      const res = await designer.post('/api/v1/deployments', { xml: broken, name: 'broken.dmn' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('DMN_INVALID');
      expect(res.body.detail ?? res.body.message).toContain('broken.dmn');
      expect(res.body.errors[0]).toMatchObject({ element: 'broken_r1', resource: 'broken.dmn' });
      expect(res.body.errors[0].reason).toContain("decision 'broken', rule 1");
      expect((await designer.get('/api/v1/decision-definitions?key=broken')).body.items).toEqual([]);
    });

    it('evaluates the latest version through the API and keeps the evaluation', async () => {
      const res = await designer.post('/api/v1/decision-definitions/key/tariffRoute/evaluate', {
        variables: { amount: 150 },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.result).toEqual([{ route: 'auto' }]);
      expect(res.body.evaluation).toMatchObject({ decisionKey: 'tariffRoute', decisionVersion: 2, instanceId: null });
      expect(res.body.evaluation.matchedRules).toEqual([
        { ruleId: 'tariffRoute_r1', index: 1, outputs: { route: 'auto' } },
      ]);
      const missing = await designer.post('/api/v1/decision-definitions/key/nothing/evaluate', { variables: {} });
      expect(missing.status).toBe(404);
    });

    it('deploys a process with its decisions in one deployment', async () => {
      const deployed = await deployBpmn(
        decidingProcess('withOwnTable', {
          decisionRef: 'ownTable',
          decisionRefBinding: 'deployment',
          mapDecisionResult: 'singleEntry',
          resultVariable: 'route',
        }),
        [routingTable('ownTable', [['-', '"own"']])],
      );
      expect(deployed.decisions).toMatchObject([{ key: 'ownTable', version: 1 }]);
      expect(deployed.decisions[0]!.deploymentId).toBe(deployed.definition.deploymentId);
      expect(deployed.warnings.filter((w) => w.rule.startsWith('platform/'))).toEqual([]);
    });

    it('refuses Java and expression implementations of a business rule task, with the reason', async () => {
      for (const [attribute, value] of [
        ['class', 'org.example.Rules'],
        ['delegateExpression', '${rules}'],
        ['expression', '${rules.decide()}'],
      ]) {
        const res = await designer.post('/api/v1/deployments', {
          xml: decidingProcess(`java_${attribute}`, { [attribute!]: value! }),
        });
        expect(res.status, attribute).toBe(400);
        expect(res.body.errors.map((e: { reason: string }) => e.reason).join()).toContain(
          `camunda:${attribute} "${value}" cannot run here`,
        );
      }
      const none = await designer.post('/api/v1/deployments', { xml: decidingProcess('noRef', {}) });
      expect(none.status).toBe(400);
      expect(JSON.stringify(none.body.errors)).toContain('must name a DMN decision');
    });

    it('deploys a task naming a decision not deployed yet, with a warning', async () => {
      const deployed = await deployBpmn(decidingProcess('later', { decisionRef: 'notYet', resultVariable: 'r' }));
      const decisionWarnings = deployed.warnings.filter((w) => w.rule === 'platform/decision-exists');
      expect(decisionWarnings).toHaveLength(1);
      expect(decisionWarnings[0]!.message).toContain('no decision "notYet" is deployed yet');
    });
  });

  describe('mapDecisionResult, through a process run to its end', () => {
    it.each([
      ['singleEntry', 'size', 5, 'small'],
      ['singleResult', 'grade', 5, { size: 'small', route: 'auto' }],
      ['collectEntries', 'size', 500, ['small', 'large']],
      [
        'resultList',
        'grade',
        500,
        [
          { size: 'small', route: 'auto' },
          { size: 'large', route: 'manual' },
        ],
      ],
    ])('%s stores the mapped result', async (mapping, decision, amount, expected) => {
      const key = `map_${mapping}`;
      await deployBpmn(
        decidingProcess(key, { decisionRef: decision, mapDecisionResult: mapping, resultVariable: 'out' }),
      );
      const done = await run(key, { amount });
      expect(done.status).toBe('completed');
      expect(done.variables.out).toEqual(expected);
    });

    it('resultList is the default; without a result variable nothing is stored', async () => {
      await deployBpmn(decidingProcess('mapDefault', { decisionRef: 'size', resultVariable: 'out' }));
      expect((await run('mapDefault', { amount: 5 })).variables.out).toEqual([{ size: 'small' }]);
      await deployBpmn(decidingProcess('noResultVariable', { decisionRef: 'size' }));
      const done = await run('noResultVariable', { amount: 5 });
      expect(done.status).toBe('completed');
      expect(Object.keys(done.variables)).toEqual(['amount']);
    });

    it('reads decisionRef and camunda:inputParameter values as expressions over the variables', async () => {
      await deployBpmn(
        decidingProcess(
          'refByExpression',
          { decisionRef: '${table}', mapDecisionResult: 'singleEntry', resultVariable: 'out' },
          '<extensionElements><camunda:inputOutput><camunda:inputParameter name="amount">${requested}</camunda:inputParameter></camunda:inputOutput></extensionElements>',
        ),
      );
      const done = await run('refByExpression', { table: 'size', requested: 7 });
      expect(done).toMatchObject({ status: 'completed', variables: { out: 'small' } });
    });
  });

  describe('bindings', () => {
    let versions: { id: string; version: number }[];

    beforeAll(async () => {
      await deployDmn(routingTable('bound', [['-', '"one"']], { versionTag: 'stable' }));
      await deployDmn(routingTable('bound', [['-', '"two"']]));
      const v3 = await deployDmn(routingTable('bound', [['-', '"three"']]));
      versions = v3.decisions;
    });

    it.each([
      ['latest', {}, 'three'],
      ['version', { decisionRefVersion: '2' }, 'two'],
      ['versionTag', { decisionRefVersionTag: 'stable' }, 'one'],
    ])('%s picks its version', async (binding, attributes, expected) => {
      const key = `bind_${binding}`;
      await deployBpmn(
        decidingProcess(key, {
          decisionRef: 'bound',
          decisionRefBinding: binding,
          mapDecisionResult: 'singleEntry',
          resultVariable: 'out',
          ...attributes,
        }),
      );
      expect((await run(key, {})).variables.out).toBe(expected);
      expect(versions[0]!.version).toBe(3);
    });

    it('deployment evaluates the version deployed with the process, not a later one', async () => {
      await deployBpmn(
        decidingProcess('bind_deployment', {
          decisionRef: 'bound',
          decisionRefBinding: 'deployment',
          mapDecisionResult: 'singleEntry',
          resultVariable: 'out',
        }),
        [routingTable('bound', [['-', '"with the process"']])],
      );
      await deployDmn(routingTable('bound', [['-', '"later"']]));
      expect((await run('bind_deployment', {})).variables.out).toBe('with the process');
      // the latest binding sees the later one
      expect((await run('bind_latest', {})).variables.out).toBe('later');
    });
  });

  describe('errors become incidents', () => {
    it('a hit policy violated raises an incident naming the task and the decision; fixed and retried, it completes', async () => {
      await deployDmn(
        routingTable(
          'strict',
          [
            ['>= 0', '"a"'],
            ['>= 10', '"b"'],
          ],
          { hitPolicy: 'UNIQUE' },
        ),
      );
      await deployBpmn(
        decidingProcess('strictRun', {
          decisionRef: 'strict',
          mapDecisionResult: 'singleEntry',
          resultVariable: 'out',
        }),
      );
      const stuck = await run('strictRun', { amount: 20 });
      expect(stuck.status).toBe('running');
      const incidents = await designer.get(`/api/v1/incidents?instanceId=${stuck.id}`);
      const [incident] = incidents.body.items;
      expect(incident.message).toContain('Business rule task "decide"');
      expect(incident.message).toContain("decision 'strict' version 1");
      expect(incident.message).toMatch(/UNIQUE/);
      // the table is fixed: the incident is retried and the task evaluates the new version
      await deployDmn(
        routingTable(
          'strict',
          [
            ['< 10', '"a"'],
            ['>= 10', '"b"'],
          ],
          { hitPolicy: 'UNIQUE' },
        ),
      );
      const retried = await (await t.as('admin')).post(`/api/v1/incidents/${incident.id}/retry`);
      expect(retried.status, JSON.stringify(retried.body)).toBeLessThan(300);
      await t.platform.executor.drain();
      expect(await instance(clerk, stuck.id)).toMatchObject({ status: 'completed', variables: { out: 'b' } });
    });

    it('a decision not deployed, and a result that does not map, are incidents with their reason', async () => {
      await deployBpmn(decidingProcess('missing', { decisionRef: 'neverDeployed', resultVariable: 'r' }));
      const missing = await run('missing', {});
      const [incident] = (await designer.get(`/api/v1/incidents?instanceId=${missing.id}`)).body.items;
      expect(incident.message).toBe(
        `Business rule task "decide": no decision definition deployed with key 'neverDeployed'`,
      );
      await deployBpmn(
        decidingProcess('tooMany', { decisionRef: 'size', mapDecisionResult: 'singleEntry', resultVariable: 'r' }),
      );
      const tooMany = await run('tooMany', { amount: 500 });
      const [mapping] = (await designer.get(`/api/v1/incidents?instanceId=${tooMany.id}`)).body.items;
      expect(mapping.message).toContain('ENGINE-22001');
      expect(mapping.message).toContain('DMN-01011');
    });
  });

  describe('history', () => {
    it('keeps every evaluation of an instance, in the API and in the instance view', async () => {
      await deployBpmn(
        decidingProcess('historyRun', { decisionRef: 'grade', mapDecisionResult: 'resultList', resultVariable: 'out' }),
      );
      const done = await run('historyRun', { amount: 500 });
      const res = await clerk.get(`/api/v1/process-instances/${done.id}/decision-evaluations`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({
        instanceId: done.id,
        elementId: 'decide',
        decisionKey: 'grade',
        decisionVersion: 1,
        hitPolicy: 'COLLECT',
        inputs: [{ id: 'grade_in', label: 'Amount', value: 500 }],
        matchedRules: [
          { ruleId: 'grade_r1', index: 1 },
          { ruleId: 'grade_r2', index: 2 },
        ],
        resultVariable: 'out',
        evaluatedBy: 'system',
      });
      const view = await (await t.as('xh.leader')).get(`/api/v1/monitoring/instances/${done.id}`);
      expect(view.status, JSON.stringify(view.body)).toBe(200);
      expect(view.body.decisionEvaluations.map((e: { decisionKey: string }) => e.decisionKey)).toEqual(['grade']);
    });

    it('a routed process: a new table version changes new instances only', async () => {
      await deployDmn(routingTable('routeRule', [['-', '"auto"']]));
      await deployBpmn(routedProcess('routed', 'routeRule'));
      const before = await run('routed', { amount: 1 });
      expect(before.status).toBe('completed');
      await deployDmn(routingTable('routeRule', [['-', '"manual"']]));
      const after = await run('routed', { amount: 1 });
      expect(after.status).toBe('running');
      await completeAt(clerk, after.id, 'review');
      const evaluations = await clerk.get(`/api/v1/process-instances/${before.id}/decision-evaluations`);
      expect(evaluations.body.items[0]).toMatchObject({ decisionVersion: 1, result: 'auto' });
    });
  });

  describe('permissions and departments', () => {
    it('reads and evaluates decisions only with the decision permissions', async () => {
      expect((await clerk.get('/api/v1/decision-definitions')).status).toBe(403);
      const leader = await t.as('xh.leader');
      expect((await leader.get('/api/v1/decision-definitions')).status).toBe(200);
      const evaluate = await leader.post('/api/v1/decision-definitions/key/size/evaluate', { variables: {} });
      expect(evaluate.status).toBe(403);
      const deploy = await clerk.post('/api/v1/deployments', { xml: routingTable('clerks', [['-', '"x"']]) });
      expect(deploy.status).toBe(403);
    });

    it("answers another department's instance evaluations as not found", async () => {
      const done = await run('historyRun', { amount: 5 });
      expect(
        (await (await t.as('jn.leader')).get(`/api/v1/process-instances/${done.id}/decision-evaluations`)).status,
      ).toBe(404);
      expect(
        (await (await t.as('xh.leader')).get(`/api/v1/process-instances/${done.id}/decision-evaluations`)).status,
      ).toBe(200);
    });
  });
});
