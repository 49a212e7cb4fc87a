import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { departmentInScope, departmentScope } from '../access/department-subtree.js';
import type { Authorization } from '../identity/authorization.js';
import { auditRow } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { Forbidden, NotFound } from '../lib/errors.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { toOutageNotice, type OutageInput, type OutageNotice, type OutageRow } from './grid.contract.js';

const OUTAGE_COLUMNS = [
  'id',
  'target_type',
  'target_id',
  'starts_at',
  'ends_at',
  'reason',
  'department_id',
  'customers',
  'sent',
  'unsubscribed',
  'created_by',
  'created_at',
];

/** An instant as the utility's wall clock (Asia/Shanghai, no daylight saving): 2026-12-10 09:00. */
export function utilityTime(instant: string | Date): string {
  return new Date(new Date(instant).getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

interface Target {
  name: string;
  departmentId: string;
  areaIds: string[];
}

/**
 * Planned outage notices (计划停电通知): one SMS per customer connected to a transformer area or to
 * any area of a feeder, through the notification gateway (template `planned_outage`; customers who
 * turned outage notices off in the hall get a `failed` row saying so, no SMS). One notice per
 * (target, window): asking again answers the first (200) and sends nothing twice.
 */
export class OutagesService {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly notifications: NotificationsService,
  ) {}

  async notify(input: OutageInput, actor: Actor): Promise<{ created: boolean; notice: OutageNotice }> {
    const read = await departmentScope(this.authorization, actor, 'grid', 'read');
    const write = await departmentScope(this.authorization, actor, 'grid', 'write');
    const target = await this.target(input.targetType, input.targetId);
    if (!target || !departmentInScope(read, target.departmentId))
      throw new NotFound(input.targetType === 'area' ? 'transformer area' : 'feeder', input.targetId);
    if (!departmentInScope(write, target.departmentId))
      throw new Forbidden(`you may not announce outages in ${target.departmentId}`);
    const window = { starts_at: new Date(input.startsAt), ends_at: new Date(input.endsAt) };
    const key = { target_type: input.targetType, target_id: input.targetId, ...window };
    const earlier = await this.db('planned_outages').where(key).first<OutageRow | undefined>(OUTAGE_COLUMNS);
    if (earlier) return { created: false, notice: toOutageNotice(earlier, target.name) };

    const id = randomUUID();
    const inserted = (await this.db('planned_outages')
      .insert({
        id,
        ...key,
        reason: input.reason,
        department_id: target.departmentId,
        customers: 0,
        sent: 0,
        unsubscribed: 0,
        created_by: actor.username,
      })
      .onConflict(['target_type', 'target_id', 'starts_at', 'ends_at'])
      .ignore()
      .returning('id')) as unknown[];
    if (!inserted.length) {
      const first = await this.db('planned_outages').where(key).first<OutageRow>(OUTAGE_COLUMNS);
      return { created: false, notice: toOutageNotice(first, target.name) };
    }

    const customers = (await this.db('meters as m')
      .join('meter_boxes as b', 'b.id', 'm.meter_box_id')
      .join('customers as c', 'c.id', 'm.customer_id')
      .whereIn('b.area_id', target.areaIds)
      .where('m.status', 'in_service')
      .whereNot('c.status', 'closed')
      .distinct('c.id')
      .orderBy('c.id')
      .pluck('c.id')) as string[];
    const params = {
      target: target.name,
      startsAt: utilityTime(input.startsAt),
      endsAt: utilityTime(input.endsAt),
      reason: input.reason,
    };
    await this.notifications.sendMany(
      customers.map((customerId) => ({
        input: { template: 'planned_outage', customerId, params },
        origin: { idempotencyKey: `planned-outage:${id}:${customerId}`, by: actor.username },
      })),
    );
    const outcome = await this.db('notifications')
      .where('idempotency_key', 'like', `planned-outage:${id}:%`)
      .select<{ sent: string | number; unsubscribed: string | number }[]>(
        this.db.raw(`count(*) filter (where status = 'sent') as sent`),
        this.db.raw(
          `count(*) filter (where status = 'failed' and error like '%turned this notice off%') as unsubscribed`,
        ),
      );
    const counts = {
      customers: customers.length,
      sent: Number(outcome[0]?.sent ?? 0),
      unsubscribed: Number(outcome[0]?.unsubscribed ?? 0),
    };
    await this.db.transaction(async (trx) => {
      await trx('planned_outages').where({ id }).update(counts);
      await trx('audit_log').insert(
        auditRow(
          actor,
          'grid.outage.notified',
          input.targetType === 'area' ? 'transformer_area' : 'feeder',
          input.targetId,
          {
            outageId: id,
            startsAt: input.startsAt,
            endsAt: input.endsAt,
            reason: input.reason,
            ...counts,
          },
        ),
      );
    });
    const row = await this.db('planned_outages').where({ id }).first<OutageRow>(OUTAGE_COLUMNS);
    return { created: true, notice: toOutageNotice(row, target.name) };
  }

  private async target(type: 'area' | 'feeder', id: string): Promise<Target | null> {
    if (type === 'area') {
      const area = await this.db('transformer_areas')
        .where({ id })
        .first<{ name: string; department_id: string } | undefined>('name', 'department_id');
      return area ? { name: area.name, departmentId: area.department_id, areaIds: [id] } : null;
    }
    const feeder = await this.db('feeders')
      .where({ id })
      .first<{ name: string; department_id: string } | undefined>('name', 'department_id');
    if (!feeder) return null;
    const areaIds = (await this.db('transformer_areas').where({ feeder_id: id }).pluck('id')) as string[];
    return { name: feeder.name, departmentId: feeder.department_id, areaIds };
  }
}
