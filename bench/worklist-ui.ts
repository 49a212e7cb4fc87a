/**
 * bench/worklist-ui — issue 6: how soon a county clerk sees the first page of their worklist in
 * a real Chromium, with N tasks in the database for the clerk's candidate group and county (30 %
 * of them open, so 0.3 N claimable), and what the API answers for that first page.
 *
 *   npm run bench -- worklist-ui [--tasks 1000000] [--runs 15] [--samples 50]
 *
 * Browser figure: from navigation start (performance.timeOrigin of a fresh document load of
 * `/#/worklist?view=claimable`, assets cached as for a returning user) to the moment the first
 * task row (`[data-task-id]`) is in the DOM, seen by a MutationObserver installed before the app's
 * scripts run; median over --runs loads.
 */
import { readFileSync } from 'node:fs';
import { ensureWebBuild, launchBrowser, newUserPage } from '../test/e2e/support/browser.js';
import { ApiClient } from '../test/support/client.js';
import { benchArgs, withBenchPlatform } from './support.js';
import { median, report, round, summary } from './stats.js';
import { fillTasks } from './worklist.js';

const args = benchArgs();
const TASKS = Number(args.get('tasks') ?? 1_000_000);
const RUNS = Number(args.get('runs') ?? 15);
const SAMPLES = Number(args.get('samples') ?? 50);
const CUSTOMERS = 2000;
const FIRST_PAGE = '/api/v1/worklist?view=claimable&limit=50';

/** Records when the first task row appears, relative to navigation start. */
const FIRST_ROW_OBSERVER = `
  (() => {
    const seen = () => {
      if (window.__firstRowAt === undefined && document.querySelector('[data-task-id]')) {
        window.__firstRowAt = performance.now();
        return true;
      }
      return false;
    };
    new MutationObserver((_, observer) => { if (seen()) observer.disconnect(); })
      .observe(document, { childList: true, subtree: true });
  })();
`;

async function deployReview(platform: { url: string }): Promise<string> {
  const designer = await new ApiClient(platform.url).login('designer');
  const xml = readFileSync(new URL('../test/fixtures/bpmn/worklist.review.bpmn', import.meta.url), 'utf8');
  const forms = [...xml.matchAll(/camunda:formKey="([^"]+)"/g)].map((m) => ({
    id: m[1],
    type: 'default',
    components: [{ type: 'textfield', key: 'opinion', label: 'Opinion' }],
  }));
  const res = await designer.post('/api/v1/deployments', { xml, forms });
  if (res.status >= 300) throw new Error(`deploy: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.definition.id as string;
}

export async function run(): Promise<void> {
  await ensureWebBuild();
  await withBenchPlatform('pmbench_worklist_ui', async (db, platform) => {
    const definitionId = await deployReview(platform);
    const xh = (await db('departments').where({ id: 'ZJ-HZ-XH' }).first('path')) as { path: string };
    const departments = (await db('departments').where('path', 'like', `${xh.path}%`).pluck('id')) as string[];
    await db.raw(
      `INSERT INTO customers (id, account_no, name, address, department_id, elec_type_code)
       SELECT md5('c' || g)::uuid, 'WL' || lpad(g::text, 8, '0'), '西湖客户' || g, '杭州市西湖区 ' || g || ' 号', ?, '200'
         FROM generate_series(1, ?) g`,
      ['ZJ-HZ-XH', CUSTOMERS],
    );
    const customerIds = (await db('customers').pluck('id')) as string[];
    const t0 = performance.now();
    await fillTasks(db, definitionId, TASKS, { departments, groups: ['acceptance_clerk'], customerIds });
    // The steady state autovacuum keeps: visibility map set, GIN pending lists merged.
    await db.raw('VACUUM ANALYZE tasks');
    const fillSeconds = (performance.now() - t0) / 1000;
    const open = (await db('tasks').where({ status: 'open' }).count('* as n').first()) as { n: number };

    const clerk = await new ApiClient(platform.url).login('xh.clerk');
    const api: Record<string, unknown> = {};
    for (const [label, path] of Object.entries({
      'first page (claimable, 50 rows, with capped total)': FIRST_PAGE,
      'first page searched by customer name (q=西湖客户12)': `${FIRST_PAGE}&q=${encodeURIComponent('西湖客户12')}`,
      'first page searched by business key (q=BK-1234)': `${FIRST_PAGE}&q=BK-1234`,
      'tab counts': '/api/v1/worklist/counts',
    })) {
      for (let i = 0; i < 5; i++) await clerk.get(path);
      const samples: number[] = [];
      let last: { status: number; body: { items?: unknown[]; total?: number; totalCapped?: boolean } } | undefined;
      for (let i = 0; i < SAMPLES; i++) {
        const s = performance.now();
        last = await clerk.get(path);
        samples.push(performance.now() - s);
        if (last.status !== 200) throw new Error(`${path}: ${last.status} ${JSON.stringify(last.body)}`);
      }
      const shape = last?.body.items
        ? { rows: last.body.items.length, total: last.body.total, capped: last.body.totalCapped }
        : last?.body;
      api[`${label}: HTTP ms`] = { ...shape, ...summary(samples) };
    }

    const browser = await launchBrowser();
    const loads: number[] = [];
    let rows = 0;
    try {
      const page = await newUserPage(browser.browser, platform.url, 'xh.clerk');
      await page.context().addInitScript({ content: FIRST_ROW_OBSERVER });
      for (let i = 0; i < RUNS + 1; i++) {
        await page.goto('about:blank');
        await page.goto(`${platform.url}/#/worklist?view=claimable`);
        const at = await page.waitForFunction(
          () => (globalThis as unknown as { __firstRowAt?: number }).__firstRowAt,
          null,
          { timeout: 120_000, polling: 50 },
        );
        const ms = Number(await at.jsonValue());
        rows = await page.locator('[data-task-id]').count();
        if (i > 0) loads.push(ms); // the first load warms the asset cache
      }
    } finally {
      await browser.close();
    }

    report(`worklist-ui: county clerk xh.clerk, ${TASKS.toLocaleString('en')} tasks for their group`, {
      'tasks in the database (open)': `${TASKS.toLocaleString('en')} (${Number(open.n).toLocaleString('en')})`,
      'fill time s': round(fillSeconds, 1),
      ...api,
      'browser: navigation start → first rows rendered, ms': {
        runs: loads.length,
        median: round(median(loads)),
        min: round(Math.min(...loads)),
        max: round(Math.max(...loads)),
        rows,
      },
    });
  });
}
