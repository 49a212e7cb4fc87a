import { z } from 'zod';
import type { Context } from 'koa';
import { rawResponse, route, type Route } from '../http/route.js';
import { readUpload } from '../tasks/upload.js';
import type { HallApplicationsService } from './applications.service.js';
import {
  applicationDetailSchema,
  applicationDocumentSchema,
  applicationListSchema,
  customerTaskCompletionSchema,
  meterTestApplicationSchema,
  newConnectionApplicationSchema,
} from './applications.contract.js';
import type { HallSession } from './customer-auth.service.js';

const TAG = 'Customer hall';
const applicationParam = z.object({ applicationId: z.guid() });

/**
 * Applications (DOMAIN.md §8): apply for a new connection or a meter test, follow each, do one's
 * own steps, upload and download documents. Another login's application, task or document is 404.
 */
export function applicationRoutes(
  applications: HallApplicationsService,
  customerOf: (ctx: Context) => HallSession,
): Route[] {
  const client = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });
  return [
    route({
      method: 'get',
      path: '/applications',
      tag: TAG,
      summary: "The login's applications, newest first: state, current step in customer words, deadlines",
      response: applicationListSchema,
      handle: async ({ ctx }) => ({ items: await applications.list(customerOf(ctx)) }),
    }),
    route({
      method: 'post',
      path: '/applications/new-connection',
      tag: TAG,
      summary:
        "Apply for a low-voltage new connection for one of the login's accounts: starts the new-connection process with channel 'online hall'",
      body: newConnectionApplicationSchema,
      status: 201,
      response: applicationDetailSchema,
      handle: ({ body, ctx }) => applications.applyNewConnection(customerOf(ctx), body),
    }),
    route({
      method: 'post',
      path: '/applications/meter-test',
      tag: TAG,
      summary:
        "Ask for a meter test of one of the account's meters: starts meter-verification with channel 'online hall'",
      body: meterTestApplicationSchema,
      status: 201,
      response: applicationDetailSchema,
      handle: ({ body, ctx }) => applications.applyMeterTest(customerOf(ctx), body),
    }),
    route({
      method: 'get',
      path: '/applications/:applicationId',
      tag: TAG,
      summary:
        "One application: the timeline in customer words (zh/en), the department handling it, the utility's and the customer's deadlines, the customer's open steps with their fields, documents",
      params: applicationParam,
      response: applicationDetailSchema,
      handle: ({ params, ctx }) => applications.get(customerOf(ctx), params.applicationId),
    }),
    route({
      method: 'post',
      path: '/applications/:applicationId/tasks/:taskId/complete',
      tag: TAG,
      summary:
        "Complete one of the customer's own steps (supply documents, confirm the scheme, sign the contract); the values are checked against the step's form",
      params: applicationParam.extend({ taskId: z.guid() }),
      body: customerTaskCompletionSchema,
      response: applicationDetailSchema,
      handle: ({ params, body, ctx }) =>
        applications.complete(customerOf(ctx), params.applicationId, params.taskId, body.variables, client(ctx)),
    }),
    route({
      method: 'post',
      path: '/applications/:applicationId/documents',
      tag: TAG,
      summary:
        'Upload a document (multipart/form-data, field "file"; the task attachments\' types and size limit): to the customer\'s open step, else the step in progress',
      params: applicationParam,
      status: 201,
      response: applicationDocumentSchema,
      async handle({ params, ctx }) {
        const session = customerOf(ctx);
        // 404 before the upload is read: another login's application costs no bandwidth.
        await applications.get(session, params.applicationId);
        const file = await readUpload(ctx, applications.maxDocumentBytes);
        return applications.addDocument(session, params.applicationId, file);
      },
    }),
    route({
      method: 'get',
      path: '/applications/:applicationId/documents/:documentId',
      tag: TAG,
      summary: "Download a document of one's own application",
      params: applicationParam.extend({ documentId: z.guid() }),
      response: rawResponse('application/octet-stream'),
      responseDescription: 'The file, with the content type it was uploaded as',
      async handle({ params, ctx }) {
        const file = await applications.download(customerOf(ctx), params.applicationId, params.documentId);
        ctx.set('content-type', file.contentType);
        ctx.set(
          'content-disposition',
          `attachment; filename="${file.filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        );
        ctx.set('x-content-type-options', 'nosniff');
        ctx.set('content-security-policy', "default-src 'none'; sandbox");
        ctx.set('cache-control', 'private, no-store');
        return file.content;
      },
    }),
  ];
}
