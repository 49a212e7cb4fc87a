import { instanceReadable } from '../../access/instance-readable.js';
import type { WhereBuilder } from '../../access/rule.js';
import type { Db } from '../../db/index.js';
import type { Authorization } from '../../identity/authorization.js';
import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { NotFound } from '../../lib/errors.js';
import { wholeList } from '../../workflow/paging.js';
import {
  toRiskWarningProvince,
  type AnsweringDepartmentRow,
  type RiskWarningProvince,
  type RiskWarningProvinceRow,
  type RiskWarningProvinces,
} from './warning-provinces.contract.js';

const PROVINCE_PROCESS = 'high-risk-warning-province';
/** The tasks whose completion is the province's answer: the measure, and the rectification after 督办. */
const ANSWER_ELEMENTS = ['RW_PROVINCE_MEASURE', 'RW_PROVINCE_SUPERVISED'];

interface WarningRow {
  id: string;
  account_no: string;
  level: string;
  deadline_at: Date | string | null;
  instance_id: string | null;
  department_id: string | null;
  started_by: string | null;
}

/**
 * The provinces of a group's warning order and their answers (DOMAIN.md §7 "child tasks per
 * province"): one item per province child of the order's instance, with its row of
 * `risk_warning_provinces` (absent until the province answers or is escalated). A province is
 * listed to whoever may read its instance (instance-readable.ts): HQ's supervisors see every
 * province, a province's staff only their own. A warning of which the actor may read neither the
 * order nor a province does not exist for them (404).
 */
export class RiskWarningProvincesService {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly clock: Clock,
  ) {}

  /** One province's part; 404 for a province the actor may not read, as for one the order lacks. */
  async get(warningId: string, provinceId: string, actor: Actor): Promise<RiskWarningProvince> {
    const [item] = (await this.list(warningId, actor, provinceId)).items;
    if (!item) throw new NotFound('province of risk warning', provinceId);
    return item;
  }

  async list(warningId: string, actor: Actor, provinceId?: string): Promise<RiskWarningProvinces> {
    const warning = await this.db('risk_warnings as w')
      .leftJoin('process_instances as pi', 'pi.id', 'w.instance_id')
      .where('w.id', warningId)
      .first<WarningRow | undefined>(
        'w.id',
        'w.account_no',
        'w.level',
        'w.deadline_at',
        'w.instance_id',
        'pi.department_id',
        'pi.started_by',
      );
    if (!warning) throw new NotFound('risk warning', warningId);
    const readable = await instanceReadable(this.authorization, actor);
    const rows = warning.instance_id ? await this.provinceRows(warning, readable.where('pi'), provinceId) : [];
    if (!rows.length) {
      if (!warning.instance_id || !readable.allows(warning)) throw new NotFound('risk warning', warningId);
      if (provinceId !== undefined) throw new NotFound('province of risk warning', provinceId);
    }
    const answering = await this.answeringDepartments(rows.map((r) => r.instance_id));
    const now = this.clock.now();
    return {
      ...wholeList(rows.map((r) => toRiskWarningProvince(r, warning.deadline_at, answering.get(r.instance_id), now))),
      warningId: warning.id,
      accountNo: warning.account_no,
      level: warning.level,
      deadline: warning.deadline_at === null ? null : new Date(warning.deadline_at).toISOString(),
    };
  }

  private async provinceRows(
    warning: WarningRow,
    readable: WhereBuilder,
    provinceId: string | undefined,
  ): Promise<RiskWarningProvinceRow[]> {
    const q = this.db('process_instances as pi')
      .join('departments as d', 'd.id', 'pi.department_id')
      .leftJoin('risk_warning_provinces as r', (j) => {
        j.on('r.province_id', '=', 'pi.department_id').andOn('r.warning_id', '=', this.db.raw('?', [warning.id]));
      })
      .where('pi.parent_instance_id', warning.instance_id)
      .where('pi.definition_key', PROVINCE_PROCESS)
      .where(readable)
      .orderBy('pi.department_id')
      .select(
        'pi.id as instance_id',
        'pi.department_id as province_id',
        'd.name as province_name',
        'd.name_en as province_name_en',
        'r.status',
        'r.overdue',
        'r.escalations',
        'r.tactic',
        'r.measure',
        'r.evidence',
        'r.measure_compliant',
        'r.reported_at',
        'r.accepted_at',
      );
    if (provinceId !== undefined) q.where('pi.department_id', provinceId);
    return (await q) as RiskWarningProvinceRow[];
  }

  /** Each instance's last answer's department (never the person): who completed the answering task. */
  private async answeringDepartments(instanceIds: string[]): Promise<Map<string, AnsweringDepartmentRow>> {
    if (!instanceIds.length) return new Map();
    const rows = await this.db('tasks as t')
      .join('users as u', 'u.username', 't.completed_by')
      .join('departments as d', 'd.id', 'u.department_id')
      .whereIn('t.instance_id', instanceIds)
      .whereIn('t.element_id', ANSWER_ELEMENTS)
      .where('t.status', 'completed')
      .orderBy([
        { column: 't.completed_at', order: 'desc' },
        { column: 't.id', order: 'desc' },
      ])
      .select<(AnsweringDepartmentRow & { instance_id: string })[]>(
        't.instance_id',
        'd.id as department_id',
        'd.name',
        'd.name_en',
      );
    const out = new Map<string, AnsweringDepartmentRow>();
    for (const r of rows) if (!out.has(r.instance_id)) out.set(r.instance_id, r);
    return out;
  }
}
