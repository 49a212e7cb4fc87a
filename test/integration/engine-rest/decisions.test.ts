import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { camundaClient, modelerDeployment } from '../../support/engine-rest.js';
import { decidingProcess, routingTable } from '../decisions/dmn-fixtures.js';

/**
 * Camunda 7.24's decision resources: a .dmn deployed by deployment/create (as Camunda Modeler
 * sends it), decision definitions queried, read and evaluated in Camunda's variable format, and
 * the historic decision instances of a process's business rule task.
 */
describe.each(BACKENDS)('engine-rest: decisions (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  const TABLE = routingTable(
    'engineRestRoute',
    [
      ['< 100', '"auto"'],
      ['>= 100', '"manual"'],
    ],
    { versionTag: 'v1', name: '路由' },
  );

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    designer = camundaClient(t.url, 'designer');
  });
  afterAll(() => t?.close());

  it('deploys a .dmn file with deployment/create and answers deployedDecisionDefinitions', async () => {
    const res = await designer.post(
      '/deployment/create',
      modelerDeployment('routing', [{ name: 'engine-rest-route.dmn', content: TABLE }]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [definition] = Object.values(res.body.deployedDecisionDefinitions as Record<string, unknown>);
    expect(definition).toMatchObject({
      key: 'engineRestRoute',
      name: '路由',
      version: 1,
      resource: 'engine-rest-route.dmn',
      deploymentId: res.body.id,
      versionTag: 'v1',
      tenantId: null,
    });
    // deployed again, changed-only: nothing new
    const again = await designer.post(
      '/deployment/create',
      modelerDeployment('routing', [{ name: 'engine-rest-route.dmn', content: TABLE }]),
    );
    expect(again.status).toBe(200);
    expect(again.body.deployedDecisionDefinitions).toBeNull();
  });

  it('queries, counts and reads decision definitions', async () => {
    const list = await designer.get('/decision-definition?key=engineRestRoute&latestVersion=true');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ key: 'engineRestRoute', category: 'http://test', version: 1 });
    expect((await designer.get('/decision-definition/count?versionTag=v1')).body).toEqual({ count: 1 });
    const byKey = await designer.get('/decision-definition/key/engineRestRoute');
    expect(byKey.body.id).toBe(list.body[0].id);
    const xml = await designer.get('/decision-definition/key/engineRestRoute/xml');
    expect(xml.body).toEqual({ id: list.body[0].id, dmnXml: TABLE });
    const missing = await designer.get('/decision-definition/key/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('InvalidRequestException');
  });

  it('evaluates with typed variables and answers typed outputs per matched rule', async () => {
    const res = await designer.post('/decision-definition/key/engineRestRoute/evaluate', {
      variables: { amount: { value: 600, type: 'Double' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual([{ route: { value: 'manual', type: 'String', valueInfo: {} } }]);
    const clerk = camundaClient(t.url, 'xh.clerk');
    expect((await clerk.post('/decision-definition/key/engineRestRoute/evaluate', { variables: {} })).status).toBe(403);
  });

  it('lists historic decision instances with inputs and outputs, filtered by what the caller may read', async () => {
    const api = await t.as('designer');
    const deployed = await api.post('/api/v1/deployments', {
      xml: decidingProcess('engineRestDecides', {
        decisionRef: 'engineRestRoute',
        mapDecisionResult: 'singleEntry',
        resultVariable: 'route',
      }),
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const clerk = await t.as('xh.clerk');
    const started = await clerk.post('/api/v1/process-instances', {
      definitionKey: 'engineRestDecides',
      variables: { amount: 5 },
    });
    await t.platform.executor.drain();
    const leader = camundaClient(t.url, 'xh.leader');
    const res = await leader.get(
      `/history/decision-instance?processInstanceId=${started.body.id}&includeInputs=true&includeOutputs=true`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({
      decisionDefinitionKey: 'engineRestRoute',
      processInstanceId: started.body.id,
      processDefinitionKey: 'engineRestDecides',
      activityId: 'decide',
      userId: null,
      inputs: [{ clauseId: 'engineRestRoute_in', clauseName: 'Amount', type: 'Integer', value: 5 }],
      outputs: [{ clauseId: 'route', ruleId: 'engineRestRoute_r1', ruleOrder: 1, type: 'String', value: 'auto' }],
    });
    expect(res.body[0].evaluationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/);
    // without includeInputs, no inputs; the count agrees
    const plain = await leader.get(`/history/decision-instance?processInstanceId=${started.body.id}`);
    expect(plain.body[0].inputs).toBeUndefined();
    expect(
      (await leader.get(`/history/decision-instance/count?decisionDefinitionKey=engineRestRoute`)).body.count,
    ).toBeGreaterThanOrEqual(2);
    // another county's leader does not see this instance's evaluation
    const other = camundaClient(t.url, 'jn.leader');
    expect((await other.get(`/history/decision-instance?processInstanceId=${started.body.id}`)).body).toEqual([]);
  });
});
