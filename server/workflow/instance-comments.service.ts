import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { NotFound } from '../lib/errors.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import { instanceOperable } from '../access/instance-operable.js';
import { toComment, type Comment } from '../tasks/comments.contract.js';
import { instanceEvent, type InstanceRef } from './outbox.js';
import type { Transactions } from './transactions.js';
import type { Visibility } from './visibility.js';

type CommentedInstance = InstanceRef & { started_by: string | null };

/**
 * An operator's comment on an instance itself (not on one of its steps): whoever may read the
 * instance sees it with the comments on its tasks (GET /process-instances/:id/comments); adding
 * one takes `instance:comment` in the instance's department (access/instance-operable.ts). It is
 * audited and announced (`instance:commented`) in the transaction that writes it. An ended
 * instance may still be commented on: the remark often explains why it ended.
 */
export class InstanceCommentsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
  ) {}

  async add(instanceId: string, body: string, actor: Actor): Promise<Comment> {
    const [readable, operable] = await Promise.all([
      this.visibility.instanceReadable(actor),
      instanceOperable(this.authorization, actor, 'comment'),
    ]);
    const instance = await this.db('process_instances')
      .where({ id: instanceId })
      .first<CommentedInstance | undefined>('id', 'department_id', 'definition_key', 'business_key', 'started_by');
    if (!instance || !readable.allows(instance)) throw new NotFound('process instance', instanceId);
    // The rule and Authorization.can answer alike (access truth table): this throws the 403.
    if (!operable.allows(instance))
      await this.authorization.require(actor, 'instance', 'comment', instance.department_id);
    const comment = {
      id: randomUUID(),
      task_id: null,
      instance_id: instance.id,
      author: actor.username,
      body,
      created_at: new Date(),
    };
    await this.transactions.run(async (scope) => {
      await scope.trx('task_comments').insert(comment);
      auditInTransaction(scope, actor, 'instance.comment', 'process_instance', instance.id, {
        commentId: comment.id,
        text: body,
      });
      scope.outbox.add(instanceEvent('instance:commented', instance, { commentId: comment.id, by: actor.username }));
    });
    return toComment({ ...comment, display_name: actor.displayName });
  }
}
