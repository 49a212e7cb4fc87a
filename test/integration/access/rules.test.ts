import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import {
  departmentInScope,
  departmentScope,
  departmentInSubtree,
  inDepartments,
  inSubtree,
} from '../../../server/access/department-subtree.js';
import { instanceOperable, type InstanceOperation } from '../../../server/access/instance-operable.js';
import { instanceReadable } from '../../../server/access/instance-readable.js';
import { messageCorrelatable } from '../../../server/access/message-correlatable.js';
import { roomJoinable } from '../../../server/access/room-joinable.js';
import type { InstanceAccessRow, RowRule, TaskAccessRow, TaskBranch } from '../../../server/access/rule.js';
import { taskClaimable } from '../../../server/access/task-claimable.js';
import { taskCompletable } from '../../../server/access/task-completable.js';
import { taskVisible } from '../../../server/access/task-visible.js';
import { isApplicantTask } from '../../../server/access/applicant-task.js';
import { Authorization } from '../../../server/identity/authorization.js';
import type { Actor } from '../../../server/lib/actor.js';
import { SYSTEM_ACTOR } from '../../../server/lib/actor.js';
import { TestClock } from '../../../server/lib/clock.js';
import { createLogger } from '../../../server/lib/logger.js';
import { branchUnion, taskOrder } from '../../../server/workflow/branch-union.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { issueBill, newCustomer } from '../marketing/accounts.js';

/** Rows this test writes carry this definition key, so that queries see only them. */
const KEY = 'access-truth-table';

const ROLES = [
  'admin',
  'process_designer',
  'acceptance_clerk',
  'collection_clerk',
  'team_leader',
  'department_manager',
  'hq_supervisor',
];
/** HQ → province → city → county → station, and a second branch of the tree. */
const ACTOR_DEPARTMENTS = ['HQ', 'ZJ', 'ZJ-HZ', 'ZJ-HZ-XH', 'ZJ-HZ-XH-LY', 'ZJ-HZ-YH', 'JS-NJ-JN'];
const ROW_DEPARTMENTS = [
  null,
  'HQ',
  'ZJ',
  'ZJ-HZ',
  'ZJ-HZ-XH',
  'ZJ-HZ-XH-LY',
  'ZJ-HZ-YH',
  'ZJ-HZ-YH-LP',
  'JS',
  'JS-NJ-JN',
];
/** Users that tasks and instances name (candidate users, assignees, delegating owners, starters). */
const NAMED = ['acceptance_clerk@ZJ-HZ-XH', 'team_leader@ZJ-HZ-YH', 'collection_clerk@ZJ-HZ-XH-LY', 'nobody'];

function actorsOf(paths: Map<string, string>): Actor[] {
  const actor = (username: string, roles: [string, string][]): Actor => ({
    id: randomUUID(),
    kind: 'user',
    username,
    displayName: username,
    departmentId: roles[0]?.[1] ?? null,
    roles: roles.map(([role, departmentId]) => ({ role, departmentId, departmentPath: paths.get(departmentId)! })),
  });
  const actors = ROLES.flatMap((role) => ACTOR_DEPARTMENTS.map((d) => actor(`${role}@${d}`, [[role, d]])));
  actors.push(actor('nobody', []));
  actors.push(
    actor('two-hats', [
      ['collection_clerk', 'ZJ-HZ-XH'],
      ['team_leader', 'ZJ-HZ-YH'],
    ]),
  );
  actors.push(SYSTEM_ACTOR);
  return actors;
}

describe.each(BACKENDS)('access rules: the SQL and the in-memory form agree (%s)', (backend) => {
  let t: TestPlatform;
  let db: Knex;
  let authorization: Authorization;
  let actors: Actor[];
  const instances: (InstanceAccessRow & { id: string })[] = [];
  const tasks: (TaskAccessRow & { id: string })[] = [];
  const departments: { id: string; path: string }[] = [];

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    db = t.database.db;
    authorization = new Authorization(db, createLogger('silent'));
    departments.push(...((await db('departments').select('id', 'path')) as { id: string; path: string }[]));
    actors = actorsOf(new Map(departments.map((d) => [d.id, d.path])));
    const definition = (await db('process_definitions').first('id', 'version')) as { id: string; version: number };
    for (const department_id of ROW_DEPARTMENTS) {
      for (const started_by of [NAMED[0]!, 'someone-else']) {
        instances.push({ id: randomUUID(), department_id, started_by });
      }
    }
    await db('process_instances').insert(
      instances.map((i) => ({
        ...i,
        definition_id: definition.id,
        definition_key: KEY,
        definition_version: definition.version,
        status: 'running',
      })),
    );
    for (const instance of instances.filter((i) => i.started_by === 'someone-else')) {
      for (const candidate_groups of [
        [],
        ['acceptance_clerk'],
        ['team_leader', 'collection_clerk'],
        ['hq_supervisor'],
        // a customer step (server/access/applicant-task.ts): no staff actor's rule admits it
        ['applicant'],
      ])
        for (const candidate_users of [[], [NAMED[0]!], [NAMED[1]!, NAMED[2]!]])
          for (const assignee of [null, NAMED[0]!, NAMED[2]!])
            for (const owner of [null, NAMED[1]!]) {
              tasks.push({
                id: randomUUID(),
                department_id: instance.department_id,
                candidate_groups,
                candidate_users,
                assignee,
                owner,
              });
              Object.assign(tasks[tasks.length - 1]!, { instance_id: instance.id });
            }
    }
    for (let i = 0; i < tasks.length; i += 200) {
      await db('tasks').insert(
        tasks.slice(i, i + 200).map((task) => ({
          ...task,
          definition_id: definition.id,
          definition_key: KEY,
          element_id: 'work',
          execution_id: randomUUID(),
          name: 'work',
          status: 'open',
        })),
      );
    }
  });
  afterAll(() => t?.close());

  const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
  const expectAgree = <Row extends { id: string }>(
    actor: Actor,
    rule: string,
    sql: { id: string }[],
    rows: Row[],
    allows: (row: Row) => boolean,
  ) => {
    expect(ids(sql), `${rule} for ${actor.username}`).toEqual(ids(rows.filter(allows)));
  };
  const sqlRows = (table: string, where: (q: Knex.QueryBuilder) => void) =>
    db(table).where('definition_key', KEY).where(where).select(`${table}.id`) as Promise<{ id: string }[]>;
  const unionRows = async (branches: TaskBranch[]) => {
    const union = branchUnion(
      branches,
      () => db('tasks').select('id', 'created_at').where('definition_key', KEY),
      taskOrder('created', 'asc'),
      tasks.length + 1,
    );
    return (await db.raw(union.sql, union.bindings)).rows as { id: string }[];
  };

  it('instance readable', async () => {
    for (const actor of actors) {
      const rule = await instanceReadable(authorization, actor);
      expectAgree(
        actor,
        'instance readable',
        await sqlRows('process_instances', rule.where('process_instances')),
        instances,
        rule.allows,
      );
    }
  });

  const OPERATIONS: InstanceOperation[] = ['cancel', 'suspend', 'update', 'modify', 'migrate', 'comment'];

  it('instance operable: every operation, in SQL and in memory', async () => {
    for (const actor of actors) {
      for (const operation of OPERATIONS) {
        const rule = await instanceOperable(authorization, actor, operation);
        expectAgree(
          actor,
          `instance operable (${operation})`,
          await sqlRows('process_instances', rule.where('process_instances')),
          instances,
          rule.allows,
        );
      }
    }
  });

  /**
   * Who may cancel (C), suspend (S), edit variables (U), modify (M), migrate (G) and comment on
   * (K) an instance of each department: by role, and by where the role is held (headquarters, a
   * province, a county, a clerk of another county). Starting an instance gives no right to operate
   * on it; an instance without a department is operable by a grant held anywhere.
   */
  it.each([
    ['admin@HQ', 'ZJ-HZ-XH-LY', 'CSUMGK'],
    ['admin@HQ', null, 'CSUMGK'],
    ['process_designer@HQ', 'JS-NJ-JN', 'C'],
    ['hq_supervisor@HQ', 'ZJ-HZ-XH', 'K'],
    ['hq_supervisor@HQ', 'JS', 'K'],
    ['department_manager@ZJ', 'ZJ-HZ-YH-LP', 'CSUK'],
    ['department_manager@ZJ', 'HQ', ''],
    ['department_manager@ZJ', 'JS-NJ-JN', ''],
    ['team_leader@ZJ-HZ-XH', 'ZJ-HZ-XH', 'CSUK'],
    ['team_leader@ZJ-HZ-XH', 'ZJ-HZ-XH-LY', 'CSUK'],
    ['team_leader@ZJ-HZ-XH', 'ZJ-HZ', ''],
    ['team_leader@ZJ-HZ-XH', 'ZJ-HZ-YH', ''],
    ['team_leader@ZJ-HZ-XH', null, 'CSUK'],
    ['two-hats', 'ZJ-HZ-YH-LP', 'CSUK'],
    ['two-hats', 'ZJ-HZ-XH', ''],
    ['acceptance_clerk@ZJ-HZ-XH', 'ZJ-HZ-XH', ''],
    ['acceptance_clerk@JS-NJ-JN', 'ZJ-HZ-XH', ''],
    ['acceptance_clerk@JS-NJ-JN', 'JS-NJ-JN', ''],
    ['acceptance_clerk@ZJ-HZ-XH', null, ''],
    ['nobody', 'ZJ-HZ-XH', ''],
  ] as const)('instance operable: %s on an instance of %s may %s', async (username, departmentId, letters) => {
    const actor = actors.find((a) => a.username === username)!;
    const letter: Record<InstanceOperation, string> = {
      cancel: 'C',
      suspend: 'S',
      update: 'U',
      modify: 'M',
      migrate: 'G',
      comment: 'K',
    };
    // Rows the acceptance clerk of Xihu started and rows someone else started: the same answer.
    const rows = instances.filter((i) => i.department_id === departmentId);
    expect(rows).toHaveLength(2);
    for (const operation of OPERATIONS) {
      const rule = await instanceOperable(authorization, actor, operation);
      for (const row of rows)
        expect(rule.allows(row), `${username} ${operation} (${row.started_by})`).toBe(
          letters.includes(letter[operation]),
        );
    }
  });

  it('instance operable answers as Authorization.can for the demo users', async () => {
    const users = (await db('users').select('id', 'username')) as { id: string; username: string }[];
    const departmentsOf = [...ROW_DEPARTMENTS];
    for (const username of ['admin', 'designer', 'hq.supervisor', 'zj.manager', 'xh.leader', 'xh.clerk', 'jn.leader']) {
      const user = users.find((u) => u.username === username)!;
      const actor = await t.platform.services.auth.loadActor(user.id, 'user');
      for (const operation of OPERATIONS) {
        const rule = await instanceOperable(authorization, actor, operation);
        for (const department_id of departmentsOf) {
          const can = await authorization.can(actor, 'instance', operation, department_id);
          expect(rule.allows({ department_id, started_by: null }), `${username} ${operation} ${department_id}`).toBe(
            can,
          );
        }
      }
    }
  });

  it('keeps decisions per policy version: shared by every request of it, dropped by the next', async () => {
    const user = (await db('users').where({ username: 'xh.clerk' }).first('id')) as { id: string };
    const department = (await db('user_roles').where({ user_id: user.id }).first('department_id')) as {
      department_id: string;
    };
    const first = await t.platform.services.auth.loadActor(user.id, 'user');
    const second = await t.platform.services.auth.loadActor(user.id, 'user');
    await authorization.ensure();
    expect(await authorization.can(first, 'task', 'claim', department.department_id)).toBe(true);
    expect(await authorization.can(second, 'task', 'claim', department.department_id)).toBe(true);
    const scope = await authorization.scope(first, 'task', 'claim');
    // another request's actor of the same roles gets the same, frozen, scope
    expect(await authorization.scope(second, 'task', 'claim')).toBe(scope);
    expect(Object.isFrozen(scope)).toBe(true);
    if (!scope.all) expect(() => scope.departmentIds.push('x')).toThrow(TypeError);

    const assignments = await db('user_roles').where({ user_id: user.id }).select('*');
    await db.transaction(async (trx) => {
      await trx('user_roles').where({ user_id: user.id }).delete();
      await Authorization.bump(trx);
    });
    try {
      await authorization.ensure();
      // the same actor object, asked again under the new version: Casbin's new rows decide
      expect(await authorization.can(first, 'task', 'claim', department.department_id)).toBe(false);
      const none = await t.platform.services.auth.loadActor(user.id, 'user');
      expect(await authorization.can(none, 'task', 'claim', department.department_id)).toBe(false);
      expect(await authorization.scope(none, 'task', 'claim')).toEqual({ all: false, departmentIds: [] });
    } finally {
      await db.transaction(async (trx) => {
        await trx('user_roles').insert(assignments);
        await Authorization.bump(trx);
      });
      await authorization.ensure();
    }
    expect(await authorization.can(first, 'task', 'claim', department.department_id)).toBe(true);
  });

  it('message correlatable', async () => {
    for (const actor of actors) {
      const rule = await messageCorrelatable(authorization, actor);
      const sql = await db('process_instances as i')
        .where('i.definition_key', KEY)
        .where(rule.where('i'))
        .select('i.id');
      expectAgree(actor, 'message correlatable', sql, instances, rule.allows);
    }
  });

  it('room joinable: department and process rooms, instance rooms', async () => {
    for (const actor of actors) {
      const rule = await roomJoinable(authorization, actor);
      const joinable = await db('departments').where(rule.department.where('departments')).select('departments.id');
      expectAgree(actor, 'department room', joinable, departments, rule.department.allows);
      const sql = await sqlRows('process_instances', rule.instance.where('process_instances'));
      expectAgree(actor, 'instance room', sql, instances, rule.instance.allows);
    }
  });

  it('task visible: the filter, the worklist branches and the in-memory form', async () => {
    for (const actor of actors) {
      const rule = await taskVisible(authorization, actor);
      expectAgree(actor, 'task visible', await sqlRows('tasks', rule.where('tasks')), tasks, rule.allows);
      const branches = rule.branches(1000);
      if (branches) expectAgree(actor, 'task visible (branches)', await unionRows(branches), tasks, rule.allows);
      else
        expect(
          tasks.every((task) => rule.allows(task) !== isApplicantTask(task)),
          actor.username,
        ).toBe(true);
      expect(tasks.filter(isApplicantTask).some(rule.allows), actor.username).toBe(false);
    }
  });

  it('task claimable: the filter, the worklist branches and the in-memory form; claimable tasks are visible', async () => {
    for (const actor of actors) {
      const rule = await taskClaimable(authorization, actor);
      const visible = await taskVisible(authorization, actor);
      expectAgree(actor, 'task claimable', await sqlRows('tasks', rule.where('tasks')), tasks, rule.allows);
      for (const max of [1000, 1]) {
        expectAgree(actor, `task claimable (${max} branches)`, await unionRows(rule.branches(max)), tasks, rule.allows);
      }
      expect(tasks.filter(rule.allows).every(visible.allows), actor.username).toBe(true);
    }
  });

  it('task completable', async () => {
    for (const actor of actors) {
      const rule: RowRule<TaskAccessRow> = await taskCompletable(authorization, actor);
      expectAgree(actor, 'task completable', await sqlRows('tasks', rule.where('tasks')), tasks, rule.allows);
    }
  });

  it('department subtree: a scope and a subtree, in SQL and in memory', async () => {
    const tree = await authorization.tree();
    for (const actor of actors) {
      for (const [object, action] of [
        ['instance', 'read'],
        ['task', 'reassign'],
        ['dashboard', 'read'],
        ['billing', 'run'],
      ] as const) {
        const scope = await departmentScope(authorization, actor, object, action);
        const sql = await db('departments').where(inDepartments(scope, 'departments.id')).select('departments.id');
        expectAgree(actor, `${object}:${action} scope`, sql, departments, (d) => departmentInScope(scope, d.id));
      }
    }
    for (const { path } of departments) {
      const sql = await db('departments').where(inSubtree('departments.id', path)).select('departments.id');
      expectAgree(SYSTEM_ACTOR, `subtree ${path}`, sql, departments, (d) => departmentInSubtree(tree, d.id, path));
    }
  });
});

/**
 * Message correlation considers only the instances the sender may act on: a Yuhang collection
 * clerk's payment-received finds no Xihu arrears collection (404, nothing delivered or recorded),
 * the Xihu clerk's is delivered.
 */
describe.each(BACKENDS)('correlation stays within the sender’s instances (%s)', (backend) => {
  let t: TestPlatform;
  const clock = new TestClock('2024-08-16T02:30:00+08:00');

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
  });
  afterAll(() => t?.close());

  it('a Yuhang clerk cannot deliver payment-received into a Xihu arrears collection; a Xihu clerk can', async () => {
    const db = t.database.db;
    const customer = await newCustomer(await t.as('xh.clerk'), { elecTypeCode: '202', name: '张三' });
    await issueBill(t, customer.id, '2024-07', '197.20', '2024-08-15');
    await t.platform.services.processes.dailyJobs.tick();
    await t.platform.executor.drain();
    const instance = (await db('process_instances')
      .where({ definition_key: 'arrears-collection', business_key: customer.accountNo })
      .first('id', 'department_id')) as { id: string; department_id: string };
    expect(instance.department_id).toBe('ZJ-HZ-XH');
    const waiting = () =>
      db('message_subscriptions')
        .where({ instance_id: instance.id, message_name: 'payment-received' })
        .select('execution_id');
    const records = async () => ({
      operations: await db('operation_log').where({ instance_id: instance.id, operation: 'message' }).select('id'),
      audit: await db('audit_log').where({ action: 'message.correlate' }).select('id'),
    });
    expect(await waiting()).toHaveLength(1);

    const yuhang = await (
      await t.as('yh.collector')
    ).post('/api/v1/messages', {
      name: 'payment-received',
      businessKey: customer.accountNo,
    });
    expect(yuhang.status, JSON.stringify(yuhang.body)).toBe(404);
    expect(await waiting()).toHaveLength(1);
    expect(await records()).toEqual({ operations: [], audit: [] });

    const xihu = await (
      await t.as('xh.collector')
    ).post('/api/v1/messages', {
      name: 'payment-received',
      businessKey: customer.accountNo,
    });
    expect(xihu.status, JSON.stringify(xihu.body)).toBe(200);
    expect(xihu.body).toMatchObject({ resultType: 'delivered', instanceId: instance.id });
    expect(await waiting()).toHaveLength(0);
    expect((await records()).operations).toHaveLength(1);
  });
});
