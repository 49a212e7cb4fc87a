import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DepartmentTree } from '../../server/identity/departments.js';
import { arrearsDetailReport } from '../../server/reports/arrears-detail.report.js';
import { streamedSource } from '../../server/reports/column-sums.js';
import { fileStream } from '../../server/reports/export.js';
import { databaseUrlOf, exportInChild, type ExportJob } from '../../server/reports/export-process.js';
import type { ReportContext } from '../../server/reports/report.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const XH = 'ZJ-HZ-XH';
const YH = 'ZJ-HZ-YH';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A streamed report's file produced by a process of its own (only on a PostgreSQL server: the
 * embedded database is reachable from its own process only, which writes such files itself).
 */
describe('report export process (postgres)', () => {
  let t: TestPlatform;
  let databaseUrl: string;
  const db = () => t.platform.services.db;

  async function customerInArrears(departmentId: string, elecTypeCode: string, n: number) {
    const id = randomUUID();
    await db()('customers').insert({
      id,
      account_no: `EXP${String(n).padStart(5, '0')}`,
      name: n % 2 ? '导出客户, "甲"' : '=SUM(A1)',
      department_id: departmentId,
      elec_type_code: elecTypeCode,
    });
    await db()('bills').insert({
      id: randomUUID(),
      customer_id: id,
      period: '2019-03',
      total: `${100 + n}.25`,
      status: 'issued',
      paid_amount: '0',
      due_date: '2019-04-15',
      issued_by: 'export-test',
    });
  }

  const job = (fields: Partial<ExportJob> = {}): ExportJob => ({
    databaseUrl,
    reportId: 'arrears-detail',
    scope: { all: false, departmentIds: [XH, YH] },
    params: { from: '2019-04-30', to: '2019-04-30' },
    lang: 'zh',
    now: '2019-05-01T00:00:00.000Z',
    format: 'csv',
    ...fields,
  });

  beforeAll(async () => {
    t = await startTestPlatform('postgres', { jobs: false });
    databaseUrl = databaseUrlOf(db()) ?? '';
    for (let n = 0; n < 7; n++) await customerInArrears(n % 3 ? XH : YH, n % 2 ? '202' : '400', n);
  });
  afterAll(() => t?.close());

  it('writes the same file as the API node would write itself, within the scope it is given', async () => {
    // given the arrears detail of two counties
    const given = job();
    const ctx: ReportContext = {
      db: db(),
      scope: given.scope,
      tree: await DepartmentTree.load(db()),
      params: given.params,
      lang: 'zh',
      now: new Date(given.now),
    };
    const stream = arrearsDetailReport.stream?.(ctx);
    if (!stream) throw new Error('the arrears detail streams its file');
    const { columns, name } = arrearsDetailReport;
    const here = await text(fileStream('csv', streamedSource(stream, columns), columns, name.zh, 'zh'));
    // when the export process writes it
    const there = await text(exportInChild(given));
    // then it is byte for byte the same, every customer once, and one county alone holds less
    expect(there.split('\r\n').filter(Boolean)).toHaveLength(1 + 7 + 1);
    expect(there).toBe(here);
    const county = await text(exportInChild(job({ scope: { all: false, departmentIds: [YH] } })));
    expect(county.split('\r\n').filter(Boolean)).toHaveLength(1 + 3 + 1);
  });

  it('ends the file with an error carrying the reason when the process fails, never as a whole file', async () => {
    await expect(text(exportInChild(job({ reportId: 'collection' })))).rejects.toThrow(/collection is not streamed/);
    await expect(text(exportInChild(job({ databaseUrl: `${databaseUrl}_missing` })))).rejects.toThrow(/exit 1/);
  });
});
