import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

/** Issue 3 §3: a policy change made through one server process is enforced by another at once. */
describe('two server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let a: TestPlatform;
  let b: TestPlatform;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    a = await startTestPlatform('postgres', { database });
    b = await startTestPlatform('postgres', {
      database: {
        ...database,
        db: (await import('../../../server/db/index.js')).createDatabase({ databaseUrl: database.url }),
      },
    });
  });
  afterAll(async () => {
    await b?.close();
    await b?.database.db.destroy();
    await a?.close();
    await database?.drop();
  });

  it('enforces a grant and a revocation made on node A on node B with the very next request', async () => {
    const onB = await b.as('xh.clerk');
    expect((await onB.get('/api/v1/incidents')).status).toBe(403);

    const adminOnA = await a.as('admin');
    expect(
      (await adminOnA.post('/api/v1/admin/policies', { role: 'acceptance_clerk', object: 'incident', action: 'read' }))
        .status,
    ).toBe(201);
    expect((await onB.get('/api/v1/incidents')).status).toBe(200);

    expect(
      (
        await adminOnA.delete('/api/v1/admin/policies', {
          role: 'acceptance_clerk',
          object: 'incident',
          action: 'read',
        })
      ).status,
    ).toBe(204);
    expect((await onB.get('/api/v1/incidents')).status).toBe(403);
  });

  it('enforces a role assignment removed on node A on node B at once', async () => {
    const onB = await b.as('xh.clerk2');
    expect((await onB.get('/api/v1/tasks')).status).toBe(200);
    const adminOnA = await a.as('admin');
    const user = (await adminOnA.get('/api/v1/admin/users?q=xh.clerk2')).body.items[0];
    await adminOnA.delete(`/api/v1/admin/users/${user.id}/roles`, {
      role: 'acceptance_clerk',
      departmentId: 'ZJ-HZ-XH',
    });
    expect((await onB.get('/api/v1/tasks')).status).toBe(403);
  });
});
