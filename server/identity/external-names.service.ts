import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import type { AuditService } from './audit.service.js';
import { Authorization } from './authorization.js';
import {
  toExternalName,
  type ExternalName,
  type ExternalNameKind,
  type ExternalNameRow,
} from './external-name.contract.js';

/** Candidate lists are comma-separated in BPMN: a name holds no comma and no white space. */
const EXTERNAL_NAME = /^[^\s,]{1,100}$/;

export type ExternalNameInput =
  { kind: 'group'; externalName: string; roleCode: string } | { kind: 'user'; externalName: string; username: string };

/**
 * The names processes written for Camunda 7 use for groups and users, mapped by an administrator
 * to platform roles and users. Who may see and claim a task reads the mapping as it stands
 * (server/access/task-visible.ts); an assignee is a holder, so an external assignee becomes the
 * user when the task is created or, for open tasks, when the mapping is added.
 */
export class ExternalNamesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private query(db: Db = this.db) {
    return db('external_names as e')
      .leftJoin('roles as r', 'r.code', 'e.role_code')
      .leftJoin('users as u', 'u.id', 'e.user_id')
      .select<ExternalNameRow[]>(
        'e.id',
        'e.kind',
        'e.external_name',
        'e.role_code',
        'r.name as role_name',
        'r.name_en as role_name_en',
        'e.user_id',
        'u.username',
        'u.display_name as user_display_name',
        'e.created_by',
        'e.created_at',
      );
  }

  async list(): Promise<ExternalName[]> {
    return (await this.query().orderBy([{ column: 'e.kind' }, { column: 'e.external_name' }])).map(toExternalName);
  }

  async create(input: ExternalNameInput, actor: Actor): Promise<ExternalName> {
    const name = input.externalName.trim();
    if (!EXTERNAL_NAME.test(name))
      throw invalid('externalName', 'invalid', 'an external name is 1–100 characters without commas or spaces');
    const target =
      input.kind === 'group' ? await this.role(name, input.roleCode) : await this.user(name, input.username);
    const id = randomUUID();
    const reassigned = await this.db.transaction(async (trx) => {
      const inserted = await trx('external_names')
        .insert({ id, kind: input.kind, external_name: name, ...target, created_by: actor.username })
        .onConflict(['kind', 'external_name'])
        .ignore()
        .returning('id');
      if (!inserted.length)
        throw new Conflict('EXTERNAL_NAME_EXISTS', `the ${input.kind} name ${name} is mapped already`);
      const tasks = input.kind === 'user' ? await this.reassignOpenTasks(trx, name, input.username) : 0;
      await Authorization.bump(trx);
      await this.audit.record(
        actor,
        'external-name.create',
        'external_name',
        id,
        { kind: input.kind, externalName: name, ...target, tasksReassigned: tasks },
        undefined,
        trx,
      );
      return tasks;
    });
    return { ...(await this.get(id)), tasksReassigned: reassigned };
  }

  /** Removes a mapping; tasks already given to its user stay theirs (holding a task is its state). */
  async remove(id: string, actor: Actor): Promise<void> {
    const mapping = await this.get(id);
    await this.db.transaction(async (trx) => {
      await trx('external_names').where({ id }).delete();
      await Authorization.bump(trx);
      await this.audit.record(
        actor,
        'external-name.delete',
        'external_name',
        id,
        {
          kind: mapping.kind,
          externalName: mapping.externalName,
          roleCode: mapping.roleCode,
          username: mapping.username,
        },
        undefined,
        trx,
      );
    });
  }

  private async get(id: string): Promise<ExternalName> {
    const row = await this.query().where('e.id', id).first();
    if (!row) throw new NotFound('external name', id);
    return toExternalName(row);
  }

  private async role(name: string, roleCode: string): Promise<{ role_code: string }> {
    if (await this.db('roles').where({ code: name }).first('code'))
      throw invalid('externalName', 'own-name', `${name} is a role of the platform already`);
    if (!(await this.db('roles').where({ code: roleCode }).first('code')))
      throw invalid('roleCode', 'unknown', `no role ${roleCode}`);
    return { role_code: roleCode };
  }

  private async user(name: string, username: string): Promise<{ user_id: string }> {
    if (await this.db('users').where({ username: name }).first('id'))
      throw invalid('externalName', 'own-name', `${name} is a user of the platform already`);
    const user = await this.db('users').where({ username, active: true }).first<{ id: string } | undefined>('id');
    if (!user) throw invalid('username', 'unknown', `no active user ${username}`);
    return { user_id: user.id };
  }

  /** Open tasks whose assignee is the external id become the user's, as if the process had named them. */
  private async reassignOpenTasks(trx: Db, name: string, username: string): Promise<number> {
    const now = this.now();
    const tasks = await trx('tasks')
      .where({ status: 'open', assignee: name })
      .update({ assignee: username, claimed_at: now, revision: trx.raw('revision + 1') })
      .returning<{ id: string; instance_id: string }[]>(['id', 'instance_id']);
    if (tasks.length)
      await trx('operation_log').insert(
        tasks.map((t) => ({
          instance_id: t.instance_id,
          task_id: t.id,
          operation: 'reassign',
          actor: 'system',
          details: JSON.stringify({ from: name, to: username, externalName: true }),
        })),
      );
    return tasks.length;
  }
}

function invalid(field: string, reason: string, message: string): Invalid {
  return new Invalid('VALIDATION_FAILED', message, [{ field: `body.${field}`, reason, message }]);
}

/** External user ids → the usernames they are mapped to (for assignees of new tasks). */
export async function mappedUsernames(db: Db, names: string[]): Promise<Map<string, string>> {
  if (!names.length) return new Map();
  const rows = await db('external_names as e')
    .join('users as u', 'u.id', 'e.user_id')
    .where('e.kind', 'user')
    .whereIn('e.external_name', [...new Set(names)])
    .select<{ external_name: string; username: string }[]>('e.external_name', 'u.username');
  return new Map(rows.map((r) => [r.external_name, r.username]));
}

export type { ExternalNameKind };
