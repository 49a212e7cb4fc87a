import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { routingTable } from '../decisions/dmn-fixtures.js';

describe.each(BACKENDS)('POST /designer/dmn-lint (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  let clerk: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    designer = await t.as('designer');
    clerk = await t.as('xh.clerk');
  });
  afterAll(() => t?.close());

  it('finds nothing in a table that deploys, and names its decisions', async () => {
    // given a valid table
    const xml = routingTable(
      'lintRoute',
      [
        ['< 100', '"auto"'],
        ['>= 100', '"manual"'],
      ],
      { name: 'Route' },
    );

    // when the designer checks it
    const res = await designer.post('/api/v1/designer/dmn-lint', { xml, name: 'route.dmn' });

    // then there is nothing to fix, and nothing was deployed
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ issues: [], decisions: [{ key: 'lintRoute', name: 'Route' }] });
    const deployed = await designer.get('/api/v1/decision-definitions?key=lintRoute');
    expect(deployed.body.items).toEqual([]);
  });

  it('reports the very problems a deployment of the document is refused with', async () => {
    // given a table with a cell that is not FEEL
    const xml = routingTable('lintBroken', [
      ['< 100', '"auto"'],
      ['>= >=', '"manual"'],
    ]);

    // when it is checked, and when it is deployed
    const lint = await designer.post('/api/v1/designer/dmn-lint', { xml, name: 'broken.dmn' });
    const deploy = await designer.post('/api/v1/deployments', { xml, name: 'broken.dmn' });

    // then both name the same element, line and reason
    expect(lint.status).toBe(200);
    expect(deploy.status).toBe(400);
    expect(lint.body.decisions).toEqual([]);
    expect(lint.body.issues.length).toBeGreaterThan(0);
    expect(lint.body.issues).toEqual(
      deploy.body.errors.map((d: { element: string; reason: string; line?: number; column?: number }) => ({
        elementId: d.element,
        rule: 'dmn/invalid',
        message: d.reason,
        severity: 'error',
        line: d.line,
        column: d.column,
      })),
    );
    expect(lint.body.issues[0]).toMatchObject({ elementId: 'lintBroken_r2', line: expect.any(Number) });
  });

  it('reports a document that is not XML, or holds no decision, as a problem', async () => {
    const notXml = await designer.post('/api/v1/designer/dmn-lint', { xml: '<definitions' });
    expect(notXml.status).toBe(200);
    expect(notXml.body.issues).toHaveLength(1);
    expect(notXml.body.issues[0]).toMatchObject({ rule: 'dmn/invalid', severity: 'error' });

    const empty = await designer.post('/api/v1/designer/dmn-lint', {
      xml: '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n"/>',
    });
    expect(empty.body.issues).toEqual([
      { elementId: 'definitions', rule: 'dmn/invalid', message: 'the document has no decision', severity: 'error' },
    ]);
  });

  it('refuses an empty document and anyone who may not deploy', async () => {
    const empty = await designer.post('/api/v1/designer/dmn-lint', { xml: '' });
    expect(empty.status).toBe(400);
    const xml = routingTable('lintForbidden', [['-', '"auto"']]);
    const forbidden = await clerk.post('/api/v1/designer/dmn-lint', { xml });
    expect(forbidden.status).toBe(403);
  });
});
