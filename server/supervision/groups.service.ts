import type { Db } from '../db/index.js';
import { dec } from '../domain/decimal.js';
import { provinceOfPath } from '../domain/risk/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { utilityToday, type Clock } from '../lib/clock.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { shiftPeriod } from '../marketing/billing-periods.js';
import { mapPage, page, type Page, type PageRequest } from '../workflow/paging.js';
import type { GroupNode, GroupTree } from './supervision.contract.js';

/** (cfg) How deep a group's tree may go: a deeper chain is a data error, not a group. */
const MAX_DEPTH = 32;

interface MemberRow {
  id: string;
  account_no: string;
  name: string;
  department_id: string;
  path: string;
  group_parent_id: string | null;
  arrears: string;
  kwh12: string;
}

export interface GroupSummary {
  customerId: string;
  accountNo: string;
  name: string;
  departmentId: string;
  members: number;
}

/**
 * Group customers (DOMAIN.md §7: "arrears roll up the parent/child tree"): HQ keeps the tree on
 * `customers.group_parent_id`; the screening rolls arrears up it. HQ sets a member's parent
 * (create, move, remove) and reads the tree with each node's arrears and last 12 months' kWh
 * rolled up to the top.
 */
export class GroupsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(request: PageRequest): Promise<Page<GroupSummary>> {
    const q = this.db('customers as c')
      .whereNull('c.group_parent_id')
      .whereExists(this.db('customers as k').whereRaw('k.group_parent_id = c.id').select(this.db.raw('1')))
      .orderBy('c.account_no')
      .select(
        'c.id',
        'c.account_no',
        'c.name',
        'c.department_id',
        this.db.raw(
          `(WITH RECURSIVE m(id, depth) AS (SELECT c.id, 0 UNION ALL
              SELECT k.id, m.depth + 1 FROM customers k JOIN m ON k.group_parent_id = m.id WHERE m.depth < ${MAX_DEPTH})
            SELECT count(*)::int FROM m) AS members`,
        ),
      );
    type Row = { id: string; account_no: string; name: string; department_id: string; members: number };
    return mapPage(await page<Row>(q, request), (r) => ({
      customerId: r.id,
      accountNo: r.account_no,
      name: r.name,
      departmentId: r.department_id,
      members: Number(r.members),
    }));
  }

  /** The top parent above a customer (itself when it has none). */
  private async rootOf(customerId: string): Promise<string> {
    const rows = (
      await this.db.raw<{ rows: { id: string; group_parent_id: string | null; depth: number }[] }>(
        `WITH RECURSIVE up(id, group_parent_id, depth) AS (
           SELECT id, group_parent_id, 0 FROM customers WHERE id = ?
           UNION ALL SELECT c.id, c.group_parent_id, up.depth + 1 FROM customers c JOIN up ON c.id = up.group_parent_id
            WHERE up.depth < ${MAX_DEPTH})
         SELECT id, group_parent_id, depth FROM up ORDER BY depth DESC LIMIT 1`,
        [customerId],
      )
    ).rows;
    const top = rows[0];
    if (!top) throw new NotFound('customer', customerId);
    return top.id;
  }

  async tree(customerId: string): Promise<GroupTree> {
    const rootId = await this.rootOf(customerId);
    const month = utilityToday(this.clock).slice(0, 7);
    const members = (
      await this.db.raw<{ rows: MemberRow[] }>(
        `WITH RECURSIVE m(id, depth) AS (
           SELECT ?::uuid, 0
           UNION ALL SELECT k.id, m.depth + 1 FROM customers k JOIN m ON k.group_parent_id = m.id WHERE m.depth < ${MAX_DEPTH})
         SELECT c.id, c.account_no, c.name, c.department_id, d.path, c.group_parent_id,
                coalesce((SELECT sum(b.total - b.paid_amount) FROM bills b
                           WHERE b.customer_id = c.id AND b.status IN ('issued', 'partly_paid')), 0)::text AS arrears,
                coalesce((SELECT sum(b.consumption_kwh) FROM bills b
                           WHERE b.customer_id = c.id AND b.kind = 'energy' AND b.status <> 'written_off'
                             AND b.period > ? AND b.period <= ?), 0)::text AS kwh12
           FROM m JOIN customers c ON c.id = m.id JOIN departments d ON d.id = c.department_id
          ORDER BY c.account_no`,
        [rootId, shiftPeriod(month, -12), month],
      )
    ).rows;
    const nodes = new Map<string, GroupNode>(
      members.map((r) => [
        r.id,
        {
          customerId: r.id,
          accountNo: r.account_no,
          name: r.name,
          departmentId: r.department_id,
          provinceId: provinceOfPath(r.path),
          arrears: dec(r.arrears).toFixed(2),
          rolledArrears: '0.00',
          kwh12: dec(r.kwh12).toFixed(2),
          rolledKwh12: '0.00',
          children: [],
        },
      ]),
    );
    for (const r of members) {
      if (r.id !== rootId && r.group_parent_id)
        nodes.get(r.group_parent_id)?.children.push(nodes.get(r.id) as GroupNode);
    }
    const roll = (n: GroupNode): void => {
      n.children.forEach(roll);
      n.rolledArrears = n.children.reduce((s, c) => s.plus(c.rolledArrears), dec(n.arrears)).toFixed(2);
      n.rolledKwh12 = n.children.reduce((s, c) => s.plus(c.rolledKwh12), dec(n.kwh12)).toFixed(2);
    };
    const root = nodes.get(rootId);
    if (!root) throw new NotFound('customer', customerId);
    roll(root);
    return {
      root,
      totals: {
        members: members.length,
        provinces: [...new Set([...nodes.values()].map((n) => n.provinceId))].sort(),
        arrears: root.rolledArrears,
        kwh12: root.rolledKwh12,
      },
    };
  }

  /**
   * Puts a member under a parent (null: takes it out of its group). Refuses a parent below the
   * member itself (a cycle), or the member as its own parent, with a 400 that changes nothing.
   */
  async setParent(accountNo: string, parentAccountNo: string | null, actor: Actor): Promise<GroupTree> {
    const moved = await this.db.transaction(async (trx) => {
      const member = await trx('customers')
        .where({ account_no: accountNo })
        .forUpdate()
        .first<{ id: string; group_parent_id: string | null } | undefined>('id', 'group_parent_id');
      if (!member) throw new NotFound('customer', accountNo);
      let parentId: string | null = null;
      if (parentAccountNo !== null) {
        const parent = await trx('customers')
          .where({ account_no: parentAccountNo })
          .first<{ id: string } | undefined>('id');
        if (!parent) {
          throw new Invalid('UNKNOWN_PARENT', `no customer has account number ${parentAccountNo}`, [
            { field: 'body.parentAccountNo', reason: 'unknown', message: `no customer ${parentAccountNo}` },
          ]);
        }
        parentId = parent.id;
        const above = (
          await trx.raw<{ rows: { id: string }[] }>(
            `WITH RECURSIVE up(id, group_parent_id, depth) AS (
               SELECT id, group_parent_id, 0 FROM customers WHERE id = ?
               UNION ALL SELECT c.id, c.group_parent_id, up.depth + 1 FROM customers c JOIN up ON c.id = up.group_parent_id
                WHERE up.depth < ${MAX_DEPTH})
             SELECT id FROM up`,
            [parentId],
          )
        ).rows;
        if (above.some((a) => a.id === member.id)) {
          throw new Invalid(
            'GROUP_CYCLE',
            parentId === member.id
              ? `${accountNo} cannot be its own parent`
              : `${parentAccountNo} is in ${accountNo}'s own subtree: the group would go round in a circle`,
            [{ field: 'body.parentAccountNo', reason: 'cycle', message: 'the parent is the member or below it' }],
          );
        }
      }
      await trx('customers')
        .where({ id: member.id })
        .update({ group_parent_id: parentId, updated_at: new Date(this.clock.now()) });
      await this.audit.record(
        actor,
        'risk-group.set-parent',
        'customer',
        member.id,
        { accountNo, parentAccountNo, previousParentId: member.group_parent_id },
        undefined,
        trx,
      );
      return { memberId: member.id, parentId };
    });
    return this.tree(moved.parentId ?? moved.memberId);
  }
}
