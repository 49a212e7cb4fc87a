import { z } from 'zod';
import type { Context } from 'koa';
import { rawResponse, route, type Route } from '../http/route.js';
import { readUpload } from '../tasks/upload.js';
import type { HallApplicationsService } from './applications.service.js';
import {
  accountClosureApplicationSchema,
  applicationDetailSchema,
  applicationDocumentSchema,
  applicationListSchema,
  capacityReductionApplicationSchema,
  changeOfferListSchema,
  customerTaskCompletionSchema,
  meterTestApplicationSchema,
  newConnectionApplicationSchema,
  ownershipTransferApplicationSchema,
  restorationApplicationSchema,
  suspensionApplicationSchema,
} from './applications.contract.js';
import type { HallSession } from './customer-auth.service.js';

const TAG = 'Customer hall';
const applicationParam = z.object({ applicationId: z.guid() });

/**
 * Applications (DOMAIN.md §8): apply for a new connection, a meter test or a change of service
 * (DOMAIN.md §9), follow each, do one's own steps, upload and download documents. Another login's
 * account, application, task or document is 404.
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
      path: '/applications/changes',
      tag: TAG,
      summary:
        "The changes of service each of the login's accounts in service may apply for today: transfer and closure for any; suspension and reduction for two-part accounts, their restoration while one is sealed",
      response: changeOfferListSchema,
      handle: async ({ ctx }) => ({ items: await applications.changeOffers(customerOf(ctx)) }),
    }),
    route({
      method: 'post',
      path: '/applications/suspension',
      tag: TAG,
      summary:
        "Apply for a suspension (暂停, 203) of a two-part account's capacity (all of it, or kva) from plannedOn to plannedEndOn: starts capacity-change with channel 'online hall'; the process refuses a notice shorter than the policy's working days. A household or single-part account: 409 NOT_TWO_PART, nothing started",
      body: suspensionApplicationSchema,
      status: 201,
      response: applicationDetailSchema,
      handle: ({ body, ctx }) => applications.applySuspension(customerOf(ctx), body),
    }),
    route({
      method: 'post',
      path: '/applications/capacity-reduction',
      tag: TAG,
      summary:
        "Apply for a capacity reduction (减容, 201) of kva (less than the account's) from plannedOn: starts capacity-change with channel 'online hall'. Two-part accounts only (409 NOT_TWO_PART)",
      body: capacityReductionApplicationSchema,
      status: 201,
      response: applicationDetailSchema,
      handle: ({ body, ctx }) => applications.applyCapacityReduction(customerOf(ctx), body),
    }),
    route({
      method: 'post',
      path: '/applications/restoration',
      tag: TAG,
      summary:
        "Apply to restore a suspension (暂停恢复, 204) or a capacity reduction (减容恢复, 202) on plannedOn: starts capacity-change with channel 'online hall'; the process restores the latest sealing still open",
      body: restorationApplicationSchema,
      status: 201,
      response: applicationDetailSchema,
      handle: ({ body, ctx }) => applications.applyRestoration(customerOf(ctx), body),
    }),
    route({
      method: 'post',
      path: '/applications/ownership-transfer',
      tag: TAG,
      summary:
        "Apply for a transfer of ownership (过户, 211) to a new owner (name, ID number, phone) on transferOn, the arrears settled or assumed in writing: starts ownership-transfer with channel 'online hall'; the process refuses arrears neither settled nor assumed",
      body: ownershipTransferApplicationSchema,
      status: 201,
      response: applicationDetailSchema,
      handle: ({ body, ctx }) => applications.applyOwnershipTransfer(customerOf(ctx), body),
    }),
    route({
      method: 'post',
      path: '/applications/account-closure',
      tag: TAG,
      summary:
        "Apply to close the account (销户, 216) on closeOn, the deposit and credit left refunded to refundAccount: starts account-closure with channel 'online hall'",
      body: accountClosureApplicationSchema,
      status: 201,
      response: applicationDetailSchema,
      handle: ({ body, ctx }) => applications.applyAccountClosure(customerOf(ctx), body),
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
