import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';

/** Issue 4 §2: tariffs are versioned, effective-dated configuration edited through the API. */
describe.each(BACKENDS)('tariffs as configuration (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  beforeAll(async () => {
    t = await startTestPlatform(backend);
    admin = await t.as('admin');
  });
  afterAll(() => t?.close());

  const nextYear = new Date().getUTCFullYear() + 1;

  it('starts with the DOMAIN.md tables seeded', async () => {
    const list = await admin.get('/api/v1/tariffs');
    expect(list.body.items.map((x: { code: string }) => x.code)).toEqual(
      expect.arrayContaining(['ZJ-RES', 'PROV-LI-10KV']),
    );
    const res = await admin.get('/api/v1/tariffs/ZJ-RES');
    expect(res.body.versions[0]).toMatchObject({ kind: 'residential-tiered', effectiveFrom: '2024-01-01' });
  });

  it('adds a future version that the quote of that month uses, leaving earlier months alone', async () => {
    const current = (await admin.get('/api/v1/tariffs/ZJ-RES')).body;
    const next = structuredClone(current.versions[0]);
    next.effectiveFrom = `${nextYear}-01-01`;
    next.prices.flat.tier1 = '0.600';
    const versions = [{ ...current.versions[0], effectiveTo: `${nextYear - 1}-12-31` }, next];
    const saved = await admin.request('PUT', '/api/v1/tariffs/ZJ-RES', { ...current, versions });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    const auditor = await t.as('xh.auditor');
    const quote = (month: string) =>
      auditor.post('/api/v1/billing/quote', {
        tariff: 'ZJ-RES',
        customer: { category: '202' },
        usage: { kwh: { total: 100 }, tierYearKwhBefore: 0 },
        period: { month },
      });
    expect((await quote('2024-07')).body.total).toBe('53.80');
    expect((await quote(`${nextYear}-02`)).body.total).toBe('60.00');
    const audit = await admin.get('/api/v1/admin/audit-log?action=tariff.update');
    expect(audit.body.items[0]).toMatchObject({
      objectId: 'ZJ-RES',
      details: { added: [`${nextYear}-01-01`], changed: [], closed: ['2024-01-01'], removed: [] },
    });
  });

  it('refuses to change a version already in effect, and an invalid definition; nothing changes', async () => {
    const current = (await admin.get('/api/v1/tariffs/PROV-LI-10KV')).body;
    const changed = structuredClone(current);
    changed.versions[0].energyPrices.peak = '9.99999';
    const res = await admin.request('PUT', '/api/v1/tariffs/PROV-LI-10KV', changed);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('TARIFF_VERSION_IN_EFFECT');
    const invalid = await admin.request('PUT', '/api/v1/tariffs/PROV-LI-10KV', { ...current, versions: [] });
    expect(invalid.status).toBe(400);
    expect((await admin.get('/api/v1/tariffs/PROV-LI-10KV')).body).toEqual(current);
  });

  it('lets only those who may write billing configuration edit tariffs', async () => {
    const auditor = await t.as('xh.auditor');
    const current = (await auditor.get('/api/v1/tariffs/ZJ-RES')).body;
    expect((await auditor.request('PUT', '/api/v1/tariffs/ZJ-RES', current)).status).toBe(403);
  });
});
