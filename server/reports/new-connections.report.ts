import { inDepartments } from '../access/department-subtree.js';
import { count, dayEnd, dayStart, departmentName, ratio, type ReportDefinition } from './report.js';

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
 * (`process_instances.due_at`, the SLA the instance deadline keeps, customer time paused). A
 * completed one is within when it ended by its deadline; a running one while its deadline has not
 * passed. Cancelled and failed applications count as received only; one without a deadline is
 * neither within nor over.
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
    { id: 'received', label: { zh: '受理数', en: 'Received' }, type: 'number' },
    { id: 'completed', label: { zh: '完成数', en: 'Completed' }, type: 'number' },
    { id: 'inProgress', label: { zh: '在办数', en: 'In progress' }, type: 'number' },
    { id: 'withinDeadline', label: { zh: '按期数', en: 'Within deadline' }, type: 'number' },
    { id: 'overDeadline', label: { zh: '超期数', en: 'Over deadline' }, type: 'number' },
    { id: 'onTimeRate', label: { zh: '按期率', en: 'On-time rate' }, type: 'percent' },
  ],
  async rows({ db, scope, tree, params, lang, now }) {
    const rows = await db('process_instances as pi')
      .where('pi.definition_key', 'new-connection')
      .where('pi.started_at', '>=', dayStart(params.from))
      .where('pi.started_at', '<', dayEnd(params.to))
      .where(inDepartments(scope, 'pi.department_id'))
      .groupByRaw(`coalesce(pi.variables ->> 'acceptClass', ''), pi.department_id`)
      .orderByRaw(`1, 2`)
      .select<
        {
          accept_class: string;
          department_id: string | null;
          received: unknown;
          completed: unknown;
          in_progress: unknown;
          within_deadline: unknown;
          over_deadline: unknown;
        }[]
      >(
        db.raw(`coalesce(pi.variables ->> 'acceptClass', '') as accept_class`),
        'pi.department_id',
        db.raw('count(*) as received'),
        db.raw(`count(*) filter (where pi.status = 'completed') as completed`),
        db.raw(`count(*) filter (where pi.status = 'running') as in_progress`),
        db.raw(
          `count(*) filter (where pi.due_at is not null and (
             (pi.status = 'completed' and pi.ended_at <= pi.due_at) or (pi.status = 'running' and ?::timestamptz <= pi.due_at)
           )) as within_deadline`,
          [now],
        ),
        db.raw(
          `count(*) filter (where pi.due_at is not null and (
             (pi.status = 'completed' and pi.ended_at > pi.due_at) or (pi.status = 'running' and ?::timestamptz > pi.due_at)
           )) as over_deadline`,
          [now],
        ),
      );
    return rows.map((r) => {
      const within = count(r.within_deadline);
      const over = count(r.over_deadline);
      return {
        customerClass: r.accept_class,
        customerClassName: CLASSES[r.accept_class]?.[lang] ?? r.accept_class,
        departmentId: r.department_id ?? '',
        department: departmentName(tree, r.department_id, lang),
        received: count(r.received),
        completed: count(r.completed),
        inProgress: count(r.in_progress),
        withinDeadline: within,
        overDeadline: over,
        onTimeRate: ratio(within, within + over),
      };
    });
  },
  totals: (_rows, sums) => ({
    onTimeRate: ratio(sums.withinDeadline ?? 0, Number(sums.withinDeadline ?? 0) + Number(sums.overDeadline ?? 0)),
  }),
};
