import { z } from 'zod';
import { noContent, rawResponse, route, type Route } from '../http/route.js';
import type { Services } from '../http/services.js';
import { booleanQuery, pagingQuery, uuidParam } from '../http/routes/schemas.js';
import {
  commentBody,
  completeBody,
  delegateBody,
  draftBody,
  resolveBody,
  savedFilterBody,
  worklistQuery,
} from './schemas.js';
import { readUpload } from './upload.js';
import { bulkClaimSchema, claimEach } from './bulk-claim.js';
import { worklistCountsSchema, worklistPageSchema } from './worklist.contract.js';
import { savedFilterListSchema, savedFilterSchema } from './filters.contract.js';
import { taskContextSchema } from './task-context.contract.js';
import { draftSchema } from './drafts.contract.js';
import { commentListSchema, commentSchema } from './comments.contract.js';
import { attachmentListSchema, attachmentSchema } from './attachments.contract.js';
import { taskCompletionSchema, taskListSchema, taskSchema } from './tasks.contract.js';

/**
 * Every route of the tasks feature: the task API (list, read, claim, complete, assign, delegate)
 * and the worklist around it (views, counts, saved filters, the task page's context, drafts,
 * comments, attachments).
 */
export function taskRoutes(s: Services): Route[] {
  return [...taskApiRoutes(s), ...worklistRoutes(s)];
}

function taskApiRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/tasks',
      tag: 'Tasks',
      summary: 'List the tasks the caller may see, with filters, sorting and paging',
      permission: { object: 'task', action: 'read' },
      query: z.object({
        status: z.enum(['open', 'completed', 'cancelled']).optional(),
        assignee: z.string().optional(),
        completedBy: z.string().optional(),
        candidateGroup: z.string().optional(),
        unassigned: booleanQuery.optional(),
        definitionKey: z.string().optional(),
        elementId: z.string().optional(),
        instanceId: z.guid().optional(),
        businessKey: z.string().optional(),
        dueBefore: z.coerce.date().optional(),
        dueAfter: z.coerce.date().optional(),
        minPriority: z.coerce.number().int().optional(),
        sort: z.enum(['created', 'due', 'priority', 'completed']).optional(),
        order: z.enum(['asc', 'desc']).optional(),
        ...pagingQuery,
      }),
      response: taskListSchema,
      handle: async ({ query, actor }) => s.tasks.list(query, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'get',
      path: '/tasks/:id',
      tag: 'Tasks',
      summary: 'Read a task (404 when the caller may not see it)',
      permission: { object: 'task', action: 'read' },
      params: uuidParam,
      response: taskSchema,
      handle: async ({ params, actor }) => s.tasks.read(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/claim',
      tag: 'Tasks',
      summary: 'Claim a task; 409 names who holds it when someone else does',
      permission: { object: 'task', action: 'claim' },
      params: uuidParam,
      response: taskSchema,
      handle: async ({ params, actor }) => s.tasks.claim(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/claim',
      tag: 'Tasks',
      summary:
        'Claim several tasks, each on its own: the answer says for each whether it was claimed or why not (held by someone else, not a candidate, not found)',
      permission: { object: 'task', action: 'claim' },
      body: z.object({ taskIds: z.array(z.guid()).min(1).max(100) }),
      response: bulkClaimSchema,
      handle: async ({ body, actor }) => claimEach((id, a) => s.tasks.claim(id, a), body.taskIds, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/unclaim',
      tag: 'Tasks',
      summary: 'Give a claimed task back to its candidates',
      permission: { object: 'task', action: 'claim' },
      params: uuidParam,
      response: taskSchema,
      handle: async ({ params, actor }) => s.tasks.unclaim(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/complete',
      tag: 'Tasks',
      summary:
        'Complete a task the caller holds, with its variables: plain (variables), typed as the generic form edits them (typedVariables, each value checked against its type), and variables to remove (removeVariables, never one the process reads)',
      permission: { object: 'task', action: 'complete' },
      params: uuidParam,
      body: completeBody,
      response: taskCompletionSchema,
      handle: async ({ params, body, actor }) =>
        s.tasks.complete(params.id, body.variables ?? {}, actor, {
          typed: body.typedVariables ?? {},
          remove: body.removeVariables ?? [],
        }),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/assign',
      tag: 'Tasks',
      summary: 'Reassign a task to another user (team leaders, within their part of the organisation)',
      permission: { object: 'task', action: 'reassign' },
      params: uuidParam,
      body: z.object({ assignee: z.string().min(1).nullable() }),
      response: taskSchema,
      handle: async ({ params, body, actor }) => s.tasks.assign(params.id, body.assignee, actor),
    }),
  ];
}

const TASK_READ = { object: 'task', action: 'read' } as const;

/** The worklist (issue 6): lists, counts, saved filters, and what a task page needs around a task. */
function worklistRoutes(s: Services): Route[] {
  return [...listRoutes(s), ...draftRoutes(s), ...collaborationRoutes(s), ...attachmentRoutes(s)];
}

function listRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/worklist',
      tag: 'Worklist',
      summary:
        'My open tasks (view=mine), the open tasks I may claim (claimable) or the tasks I completed (completed); q searches business key and customer name; total is exact up to 1 000 (totalCapped beyond)',
      permission: TASK_READ,
      query: worklistQuery,
      response: worklistPageSchema,
      handle: async ({ query, actor }) => s.worklist.list.list(query, actor),
    }),
    route({
      method: 'get',
      path: '/worklist/counts',
      tag: 'Worklist',
      summary: 'How many tasks are mine, claimable, and completed by me in the last 30 days (each exact up to 1 000)',
      permission: TASK_READ,
      response: worklistCountsSchema,
      handle: async ({ actor }) => s.worklist.list.counts(actor),
    }),
    route({
      method: 'get',
      path: '/worklist/filters',
      tag: 'Worklist',
      summary: "Saved filters: the caller's own, and those shared with their department or one above it",
      permission: TASK_READ,
      response: savedFilterListSchema,
      handle: async ({ actor }) => s.worklist.filters.list(actor),
    }),
    route({
      method: 'post',
      path: '/worklist/filters',
      tag: 'Worklist',
      summary: 'Save a filter; sharing with a department needs task:reassign there (team leaders, managers)',
      permission: TASK_READ,
      body: savedFilterBody,
      response: savedFilterSchema,
      status: 201,
      handle: async ({ body, actor }) => s.worklist.filters.create(body, actor),
    }),
    route({
      method: 'delete',
      path: '/worklist/filters/:id',
      tag: 'Worklist',
      summary: 'Delete a saved filter (its owner, or for a shared one whoever may share there)',
      permission: TASK_READ,
      params: uuidParam,
      response: noContent,
      async handle({ params, actor }) {
        await s.worklist.filters.remove(params.id, actor);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/tasks/:id/context',
      tag: 'Worklist',
      summary:
        'A task with its instance, diagram, active elements and history, and (from the variables customerId/accountNo/billId) the customer, last 12 bills, arrears and audit findings the caller may see',
      permission: TASK_READ,
      params: uuidParam,
      response: taskContextSchema,
      handle: async ({ params, actor }) => s.worklist.context.get(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/delegate',
      tag: 'Worklist',
      summary:
        'Delegate a task to another user, who resolves it back (the holder, or task:reassign in its department); the caller stays its owner',
      permission: { object: 'task', action: 'complete' },
      params: uuidParam,
      body: delegateBody,
      response: taskSchema,
      handle: async ({ params, body, actor }) => s.worklist.delegation.delegate(params.id, body.userId, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/resolve',
      tag: 'Worklist',
      summary:
        "The delegate hands a delegated task back to its owner, with the form values they filled in (the owner's draft)",
      permission: { object: 'task', action: 'complete' },
      params: uuidParam,
      body: resolveBody,
      response: taskSchema,
      handle: async ({ params, body, actor }) => s.tasks.resolve(params.id, body.variables ?? {}, actor),
    }),
  ];
}

function draftRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/tasks/:id/draft',
      tag: 'Worklist',
      summary: "The caller's saved form draft of an open task ({ data: null } when there is none)",
      permission: TASK_READ,
      params: uuidParam,
      response: draftSchema,
      handle: async ({ params, actor }) => s.worklist.drafts.get(params.id, actor),
    }),
    route({
      method: 'put',
      path: '/tasks/:id/draft',
      tag: 'Worklist',
      summary: 'Save a form draft (assignee or candidate; at most 256 KB)',
      permission: TASK_READ,
      params: uuidParam,
      body: draftBody,
      response: draftSchema,
      handle: async ({ params, body, actor }) => s.worklist.drafts.save(params.id, body.data, actor),
    }),
    route({
      method: 'delete',
      path: '/tasks/:id/draft',
      tag: 'Worklist',
      summary: "Discard the caller's draft",
      permission: TASK_READ,
      params: uuidParam,
      response: noContent,
      async handle({ params, actor }) {
        await s.worklist.drafts.remove(params.id, actor);
        return undefined;
      },
    }),
  ];
}

function collaborationRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/tasks/:id/comments',
      tag: 'Worklist',
      summary: 'Comments on a task, oldest first',
      permission: TASK_READ,
      params: uuidParam,
      response: commentListSchema,
      handle: async ({ params, actor }) => s.worklist.comments.list({ taskId: params.id }, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/comments',
      tag: 'Worklist',
      summary: 'Comment on a task (at most 4 000 characters); announced as task:commented',
      permission: TASK_READ,
      params: uuidParam,
      body: commentBody,
      response: commentSchema,
      status: 201,
      handle: async ({ params, body, actor }) => s.worklist.comments.add(params.id, body.body, actor),
    }),
    route({
      method: 'get',
      path: '/process-instances/:id/comments',
      tag: 'Worklist',
      summary: 'Comments on an instance: on the instance itself and on all of its tasks, oldest first',
      permission: TASK_READ,
      params: uuidParam,
      response: commentListSchema,
      handle: async ({ params, actor }) => s.worklist.comments.list({ instanceId: params.id }, actor),
    }),
  ];
}

function attachmentRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/tasks/:id/attachments',
      tag: 'Worklist',
      summary: "A task's attachments (metadata; download each through /attachments/:id)",
      permission: TASK_READ,
      params: uuidParam,
      response: attachmentListSchema,
      handle: async ({ params, actor }) => s.worklist.attachments.list({ taskId: params.id }, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/attachments',
      tag: 'Worklist',
      summary:
        'Attach a file (multipart/form-data, field "file"; 5 MB by default, ATTACHMENT_MAX_BYTES; PDF, images, text, office files)',
      permission: TASK_READ,
      params: uuidParam,
      response: attachmentSchema,
      status: 201,
      async handle({ params, actor, ctx }) {
        const task = await s.worklist.attachments.requireTask(params.id, actor);
        const file = await readUpload(ctx, s.worklist.attachments.maxBytes);
        return s.worklist.attachments.add(task, file, actor);
      },
    }),
    route({
      method: 'get',
      path: '/process-instances/:id/attachments',
      tag: 'Worklist',
      summary: "Attachments of all of an instance's tasks",
      permission: TASK_READ,
      params: uuidParam,
      response: attachmentListSchema,
      handle: async ({ params, actor }) => s.worklist.attachments.list({ instanceId: params.id }, actor),
    }),
    route({
      method: 'get',
      path: '/attachments/:id',
      tag: 'Worklist',
      summary: 'Download an attachment (404 unless the caller may see its task or instance)',
      permission: TASK_READ,
      params: z.object({ id: z.guid() }),
      response: rawResponse('application/octet-stream'),
      responseDescription: 'The file, with the content type it was uploaded as',
      async handle({ params, actor, ctx }) {
        const file = await s.worklist.attachments.download(params.id, actor);
        ctx.set('content-type', file.contentType);
        ctx.set(
          'content-disposition',
          `attachment; filename="${file.filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        );
        ctx.set('x-content-type-options', 'nosniff');
        ctx.set('content-security-policy', "default-src 'none'; sandbox");
        ctx.set('cache-control', 'private, no-store');
        ctx.set('etag', `"${file.sha256}"`);
        return file.content;
      },
    }),
  ];
}
