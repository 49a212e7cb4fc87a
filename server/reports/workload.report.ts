import { inDepartments } from '../access/department-subtree.js';
import { count, type ReportDefinition } from './report.js';

/**
 * Work waiting now: open tasks by process, step and the person holding them (unclaimed tasks on a
 * row of their own), and how many of them are past their due date on the platform clock. Tasks are
 * in the caller's scope by the department each task belongs to, as the worklist sees them.
 */
export const workloadReport: ReportDefinition = {
  id: 'workload',
  name: { zh: '待办工作量统计', en: 'Open and overdue tasks' },
  description: {
    zh: '当前待办任务按流程、环节和处理人统计，及其中已超期的任务数',
    en: 'Open tasks now by process, step and person, and how many of them are overdue',
  },
  period: false,
  columns: [
    { id: 'process', label: { zh: '流程代码', en: 'Process key' }, type: 'text' },
    { id: 'processName', label: { zh: '流程', en: 'Process' }, type: 'text' },
    { id: 'step', label: { zh: '环节代码', en: 'Step id' }, type: 'text' },
    { id: 'stepName', label: { zh: '环节', en: 'Step' }, type: 'text' },
    { id: 'assignee', label: { zh: '处理人账号', en: 'Username' }, type: 'text' },
    { id: 'person', label: { zh: '处理人', en: 'Person' }, type: 'text' },
    { id: 'openTasks', label: { zh: '待办数', en: 'Open tasks' }, type: 'number' },
    { id: 'overdueTasks', label: { zh: '超期数', en: 'Overdue tasks' }, type: 'number' },
    { id: 'oldestCreated', label: { zh: '最早创建日期', en: 'Oldest created' }, type: 'date', total: 'none' },
  ],
  async rows({ db, scope, lang, now }) {
    const rows = await db('tasks as t')
      .join('process_definitions as d', 'd.id', 't.definition_id')
      .leftJoin('users as u', 'u.username', 't.assignee')
      .where('t.status', 'open')
      .where(inDepartments(scope, 't.department_id'))
      .groupBy('t.definition_key', 't.element_id', 't.assignee')
      .orderBy([{ column: 't.definition_key' }, { column: 't.element_id' }, { column: 't.assignee' }])
      .select<
        {
          definition_key: string;
          element_id: string;
          assignee: string | null;
          process_name: string | null;
          step_name: string | null;
          display_name: string | null;
          open_tasks: unknown;
          overdue_tasks: unknown;
          oldest_created: string;
        }[]
      >(
        't.definition_key',
        't.element_id',
        't.assignee',
        db.raw('max(d.name) as process_name'),
        db.raw('max(t.name) as step_name'),
        db.raw('max(u.display_name) as display_name'),
        db.raw('count(*) as open_tasks'),
        db.raw('count(*) filter (where t.due_at < ?::timestamptz) as overdue_tasks', [now]),
        // The utility's day: Asia/Shanghai is UTC+8 all year, and PGlite has no zone names.
        db.raw(`to_char(min(t.created_at) at time zone 'UTC' + interval '8 hours', 'YYYY-MM-DD') as oldest_created`),
      );
    const unassigned = lang === 'en' ? 'Unassigned' : '未分配';
    return rows.map((r) => ({
      process: r.definition_key,
      processName: r.process_name ?? r.definition_key,
      step: r.element_id,
      stepName: r.step_name ?? r.element_id,
      assignee: r.assignee ?? '',
      person: r.assignee ? (r.display_name ?? r.assignee) : unassigned,
      openTasks: count(r.open_tasks),
      overdueTasks: count(r.overdue_tasks),
      oldestCreated: r.oldest_created,
    }));
  },
};
