import { inDepartments } from '../access/department-subtree.js';
import { count, dayEnd, dayStart, departmentName, type ReportDefinition } from './report.js';
import {
  DEADLINE_COLUMNS,
  deadlineCells,
  instanceDeadlineCounts,
  onTimeRate,
  type InstanceDeadlineCounts,
} from './instance-deadlines.js';

/** Where a test order came from (the process's `origin`): a customer's request (304) or the periodic plan. */
const ORIGINS: Record<string, { zh: string; en: string }> = {
  customer: { zh: '客户申请校验', en: 'Customer request' },
  periodic: { zh: '周期检验', en: 'Periodic test' },
};

/**
 * Meter tests (计量装置检验, DOMAIN.md §3) started in the period, by origin and department: received,
 * completed, in progress, within or over the process's deadline (`instanceDeadlineCounts`), and
 * how many meters passed or failed their test (`testResult`).
 */
export const meterVerificationReport: ReportDefinition = {
  id: 'meter-verification',
  name: { zh: '计量装置检验统计', en: 'Meter tests' },
  description: {
    zh: '期间发起的计量装置检验按来源和单位统计：受理、完成、在办、按期与超期数，及校验合格与不合格数',
    en: 'Meter tests started in the period by origin and department: received, completed, in progress, within or over the deadline, and meters passed or failed',
  },
  period: true,
  columns: [
    { id: 'origin', label: { zh: '来源代码', en: 'Origin code' }, type: 'text' },
    { id: 'originName', label: { zh: '来源', en: 'Origin' }, type: 'text' },
    { id: 'departmentId', label: { zh: '单位代码', en: 'Department code' }, type: 'text' },
    { id: 'department', label: { zh: '单位', en: 'Department' }, type: 'text' },
    ...DEADLINE_COLUMNS,
    { id: 'passed', label: { zh: '合格数', en: 'Passed' }, type: 'number' },
    { id: 'failed', label: { zh: '不合格数', en: 'Failed' }, type: 'number' },
  ],
  async rows({ db, scope, tree, params, lang, now }) {
    const rows = await db('process_instances as pi')
      .where('pi.definition_key', 'meter-verification')
      .where('pi.started_at', '>=', dayStart(params.from))
      .where('pi.started_at', '<', dayEnd(params.to))
      .where(inDepartments(scope, 'pi.department_id'))
      .groupByRaw(`coalesce(pi.variables ->> 'origin', ''), pi.department_id`)
      .orderByRaw('1, 2')
      .select<
        (InstanceDeadlineCounts & {
          origin: string;
          department_id: string | null;
          passed: string | number;
          failed: string | number;
        })[]
      >(
        db.raw(`coalesce(pi.variables ->> 'origin', '') as origin`),
        'pi.department_id',
        ...instanceDeadlineCounts(db, now),
        db.raw(`count(*) filter (where pi.variables ->> 'testResult' = 'pass') as passed`),
        db.raw(`count(*) filter (where pi.variables ->> 'testResult' = 'fail') as failed`),
      );
    return rows.map((r) => ({
      origin: r.origin,
      originName: ORIGINS[r.origin]?.[lang] ?? r.origin,
      departmentId: r.department_id ?? '',
      department: departmentName(tree, r.department_id, lang),
      ...deadlineCells(r),
      passed: count(r.passed),
      failed: count(r.failed),
    }));
  },
  totals: (_rows, sums) => ({ onTimeRate: onTimeRate(sums) }),
};
