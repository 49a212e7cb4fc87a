import { inDepartments } from '../access/department-subtree.js';
import { dayEnd, dayStart, departmentName, type ReportDefinition } from './report.js';
import {
  DEADLINE_COLUMNS,
  deadlineCells,
  instanceDeadlineCounts,
  onTimeRate,
  type InstanceDeadlineCounts,
} from './instance-deadlines.js';

/** ACCEPT_CONS_CODE (DOMAIN.md §2), as the acceptance form records it in `acceptClass`. */
const CLASSES: Record<string, { zh: string; en: string }> = {
  '01': { zh: '低压居民', en: 'LV residential' },
  '02': { zh: '低压非居民', en: 'LV non-residential' },
  '03': { zh: '高压单电源', en: 'HV single source' },
  '04': { zh: '高压双电源', en: 'HV dual source' },
};

/**
 * New connections (业扩报装) received in the period, by customer class and department: how many
 * are completed or still in progress, and how many of those met the whole process's deadline
 * (`instanceDeadlineCounts`).
 */
export const newConnectionsReport: ReportDefinition = {
  id: 'new-connections',
  name: { zh: '业扩报装时限统计', en: 'New connections and deadlines' },
  description: {
    zh: '期间受理的业扩报装申请按业扩类别和单位统计：受理、完成、在办，及按全流程时限的按期与超期数',
    en: 'New-connection applications received in the period by customer class and department: received, completed, in progress, and within or over the whole-process deadline',
  },
  period: true,
  columns: [
    { id: 'customerClass', label: { zh: '业扩类别代码', en: 'Class code' }, type: 'text' },
    { id: 'customerClassName', label: { zh: '业扩类别', en: 'Customer class' }, type: 'text' },
    { id: 'departmentId', label: { zh: '单位代码', en: 'Department code' }, type: 'text' },
    { id: 'department', label: { zh: '单位', en: 'Department' }, type: 'text' },
    ...DEADLINE_COLUMNS,
  ],
  async rows({ db, scope, tree, params, lang, now }) {
    const rows = await db('process_instances as pi')
      .where('pi.definition_key', 'new-connection')
      .where('pi.started_at', '>=', dayStart(params.from))
      .where('pi.started_at', '<', dayEnd(params.to))
      .where(inDepartments(scope, 'pi.department_id'))
      .groupByRaw(`coalesce(pi.variables ->> 'acceptClass', ''), pi.department_id`)
      .orderByRaw(`1, 2`)
      .select<(InstanceDeadlineCounts & { accept_class: string; department_id: string | null })[]>(
        db.raw(`coalesce(pi.variables ->> 'acceptClass', '') as accept_class`),
        'pi.department_id',
        ...instanceDeadlineCounts(db, now),
      );
    return rows.map((r) => ({
      customerClass: r.accept_class,
      customerClassName: CLASSES[r.accept_class]?.[lang] ?? r.accept_class,
      departmentId: r.department_id ?? '',
      department: departmentName(tree, r.department_id, lang),
      ...deadlineCells(r),
    }));
  },
  totals: (_rows, sums) => ({ onTimeRate: onTimeRate(sums) }),
};
