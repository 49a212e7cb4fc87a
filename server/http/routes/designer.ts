import { z } from 'zod';
import { noContent, route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { listSchema } from '../../lib/contract.js';
import {
  designerCatalogSchema,
  draftSaveSchema,
  draftSchema,
  draftSummarySchema,
  lintConfigSchema,
} from '../../designer/contract.js';
import { lintIssueSchema } from '../../workflow/deployments.contract.js';
import { dmnLintResultSchema } from '../../decisions/decision.contract.js';
import { lintDecisionDocument } from '../../decisions/decisions.service.js';
import { wholeList } from '../../workflow/paging.js';

/** Designers only: the same permission as deploying (permissions/policy.csv). */
const DESIGN = { object: 'deployment', action: 'create' } as const;

const keyParam = z.object({
  key: z.string().regex(/^[A-Za-z_][\w.-]{0,99}$/, 'a process key: a letter or _, then letters, digits, _ . -'),
});

export function designerRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/designer/drafts',
      tag: 'Designer',
      summary: 'Drafts: processes saved without deploying (without their XML)',
      permission: DESIGN,
      response: listSchema(draftSummarySchema),
      handle: async () => wholeList(await s.drafts.list()),
    }),
    route({
      method: 'get',
      path: '/designer/drafts/:key',
      tag: 'Designer',
      summary: 'One draft with its XML and forms',
      permission: DESIGN,
      params: keyParam,
      response: draftSchema,
      handle: async ({ params }) => s.drafts.get(params.key),
    }),
    route({
      method: 'put',
      path: '/designer/drafts/:key',
      tag: 'Designer',
      summary:
        'Save a draft (optimistic: `revision` is the revision last loaded, 0 for a new draft; a stale save answers 409 DRAFT_STALE)',
      permission: DESIGN,
      params: keyParam,
      body: draftSaveSchema,
      response: draftSchema,
      handle: async ({ params, body, actor }) => s.drafts.save(params.key, body, actor),
    }),
    route({
      method: 'delete',
      path: '/designer/drafts/:key',
      tag: 'Designer',
      summary: 'Delete a draft (with ?revision=, only if nobody saved it since)',
      permission: DESIGN,
      params: keyParam,
      query: z.object({ revision: z.coerce.number().int().min(1).optional() }),
      response: noContent,
      async handle({ params, query, actor }) {
        await s.drafts.remove(params.key, query.revision, actor);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/designer/catalog',
      tag: 'Designer',
      summary: "What the designer's pickers offer: roles, users, services, deployed processes, forms",
      permission: DESIGN,
      response: designerCatalogSchema,
      handle: async () => s.designerCatalog.catalog(),
    }),
    route({
      method: 'get',
      path: '/designer/lint-config',
      tag: 'Designer',
      summary: 'The platform data the lint rules check against: exactly what the deploy check uses',
      permission: DESIGN,
      response: lintConfigSchema,
      handle: async () => s.designerCatalog.lintConfig(),
    }),
    route({
      method: 'post',
      path: '/designer/lint',
      tag: 'Designer',
      summary: "Run the deploy check's lint on a BPMN document without deploying it (errors and warnings)",
      permission: DESIGN,
      body: z.object({
        xml: z.string().min(1, 'the BPMN XML is empty'),
        forms: z.array(z.string()).max(100).optional(),
      }),
      response: z.object({ issues: z.array(lintIssueSchema) }),
      handle: async ({ body }) => ({ issues: await s.designerCatalog.lint(body.xml, body.forms ?? []) }),
    }),
    route({
      method: 'post',
      path: '/designer/dmn-lint',
      tag: 'Designer',
      summary:
        'Check a DMN document without deploying it: the problems a deployment of it would be refused with (none: it deploys), and the decisions it holds',
      permission: DESIGN,
      body: z.object({
        xml: z.string().min(1, 'the DMN XML is empty'),
        /** The file name the problems are reported under, as a deployment names the document. */
        name: z.string().min(1).max(200).optional(),
      }),
      response: dmnLintResultSchema,
      handle: ({ body }) =>
        Promise.resolve(lintDecisionDocument({ resourceName: body.name ?? 'decision.dmn', xml: body.xml })),
    }),
  ];
}
