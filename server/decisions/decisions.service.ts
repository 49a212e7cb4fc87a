import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { evaluateDecision, mapDecisionResult, parseDmn, type DmnDefinitions } from '../dmn/index.js';
import { readXml, attribute, childrenNamed } from '../dmn/xml.js';
import { hashXml } from '../engine/definitions.js';
import { instanceReadable } from '../access/instance-readable.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import type { Clock } from '../lib/clock.js';
import { AppError, Invalid, NotFound } from '../lib/errors.js';
import { mapPage, page, type Page, type PageRequest } from '../workflow/paging.js';
import type { TransactionScope } from '../workflow/transactions.js';
import {
  toDecisionDefinition,
  type DecisionDefinition,
  type DecisionDefinitionRow,
  type DecisionEvaluationView,
  type DmnLintResult,
} from './decision.contract.js';
import {
  decisionById,
  decisionColumns,
  decisionXml,
  evaluationRow,
  instanceEvaluations,
  latestDecision,
  toDecisionEvaluation,
  type EvaluationRecord,
} from './decisions.repository.js';

/** A DMN document as a deployment carries it. */
export interface DecisionDocument {
  resourceName: string;
  xml: string;
}

/** A DMN document read and checked, ready to be stored in a deployment's transaction. */
export interface ParsedDecisionDocument extends DecisionDocument {
  hash: string;
  definitions: DmnDefinitions;
  /** camunda:versionTag of each decision that has one. */
  versionTags: Map<string, string>;
}

const CAMUNDA_DMN = 'http://camunda.org/schema/1.0/dmn';
const CACHE_SIZE = 256;

/**
 * Reads every DMN document of a deployment; refuses (400) with the parser's problems, each naming
 * its element, prefixed with the file. Two documents may not hold the same decision id.
 */
export function parseDecisionDocuments(docs: readonly DecisionDocument[]): ParsedDecisionDocument[] {
  const parsed = docs.map((doc) => {
    let definitions: DmnDefinitions;
    try {
      definitions = parseDmn(doc.xml);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      throw new Invalid(
        err.code,
        `${doc.resourceName}: ${err.message}`,
        err.details.map((d) => ({ ...d, resource: doc.resourceName })),
      );
    }
    if (definitions.decisions.size === 0) {
      const reason = 'the document has no decision';
      throw new Invalid('DMN_INVALID', `${doc.resourceName}: ${reason}`, [{ element: 'definitions', reason }]);
    }
    return { ...doc, hash: hashXml(doc.xml), definitions, versionTags: versionTags(doc.xml) };
  });
  const seen = new Map<string, string>();
  for (const doc of parsed) {
    for (const key of doc.definitions.decisions.keys()) {
      const other = seen.get(key);
      if (other) {
        const reason = `the decision '${key}' is in both ${other} and ${doc.resourceName}`;
        throw new Invalid('DMN_INVALID', reason, [{ element: key, reason }]);
      }
      seen.set(key, doc.resourceName);
    }
  }
  return parsed;
}

/**
 * The designer's check of a DMN document: exactly what a deployment of it would be refused with
 * (`parseDecisionDocuments`), as a list of problems instead of a refusal, so that the designer
 * and the deploy never disagree.
 */
export function lintDecisionDocument(doc: DecisionDocument): DmnLintResult {
  try {
    const [parsed] = parseDecisionDocuments([doc]);
    const decisions = [...(parsed?.definitions.decisions.values() ?? [])];
    return { issues: [], decisions: decisions.map((d) => ({ key: d.id, name: d.name || null })) };
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const rule = err.code === 'DMN_UNSUPPORTED' ? ('dmn/unsupported' as const) : ('dmn/invalid' as const);
    const details = err.details.length ? err.details : [{ element: 'definitions', reason: err.message }];
    const issues = details.map((d) => ({
      elementId: d.element ?? 'definitions',
      rule,
      message: d.reason,
      severity: 'error' as const,
      ...(d.line !== undefined ? { line: d.line } : {}),
      ...(d.column !== undefined ? { column: d.column } : {}),
    }));
    return { issues, decisions: [] };
  }
}

/** camunda:versionTag of each decision (parseDmn reads DMN only; the tag is Camunda's extension). */
function versionTags(xml: string): Map<string, string> {
  const tags = new Map<string, string>();
  const root = readXml(xml);
  for (const decision of childrenNamed(root, 'decision')) {
    const tag = decision.attributes.get(`{${CAMUNDA_DMN}}versionTag`)?.trim();
    const id = attribute(decision, 'id');
    if (id && tag) tags.set(id, tag);
  }
  return tags;
}

async function everDeployed(trx: Db, key: string, hash: string): Promise<boolean> {
  return !!(await trx('decision_definitions').where({ key, xml_hash: hash }).first('id'));
}

/** Whether a text is a DMN document rather than a BPMN one (a deployment may carry either). */
export function isDmnDocument(xml: string): boolean {
  const head = xml.slice(0, 4096);
  return (
    /xmlns(?::\w+)?\s*=\s*["']https?:\/\/www\.omg\.org\/spec\/DMN\//.test(head) && !/BPMN\/20100524\/MODEL/.test(head)
  );
}

/**
 * The documents of a deployment request: the BPMN document (none when `xml` is a DMN document or
 * absent) and the DMN documents, named by their file names (`<name>.dmn` for a lone DMN `xml`).
 */
export function splitDocuments(
  xml: string | undefined,
  name: string | undefined,
  decisions: readonly (string | { name: string; xml: string })[],
): { bpmn: string | null; decisions: DecisionDocument[] } {
  const docs = decisions.map((d, i) =>
    typeof d === 'string' ? { resourceName: `decision-${i + 1}.dmn`, xml: d } : { resourceName: d.name, xml: d.xml },
  );
  if (xml !== undefined && isDmnDocument(xml)) {
    docs.unshift({ resourceName: `${name ?? 'decision'}${name?.endsWith('.dmn') ? '' : '.dmn'}`, xml });
    return { bpmn: null, decisions: docs };
  }
  if (xml === undefined && docs.length === 0) {
    throw new Invalid('VALIDATION_FAILED', 'the deployment has no BPMN or DMN document', [
      { field: 'body.xml', reason: 'required' },
    ]);
  }
  return { bpmn: xml ?? null, decisions: docs };
}

/**
 * DMN decisions deployed and versioned like processes, and evaluated (ARCHITECTURE.md
 * "Decisions"): one version per decision id and changed document, a parsed document cached per
 * decision definition, every evaluation kept in history.
 */
export class DecisionsService {
  private readonly parsed = new Map<string, DmnDefinitions>();

  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores the decisions of parsed documents in a deployment's transaction: each decision whose
   * latest version came from the very same document keeps it (Camunda's duplicate filtering),
   * any other becomes the next version of its key. With `unchangedIfEverDeployed` (the shipped
   * catalogue on every start), a document deployed as any version before is not deployed again:
   * a table staff changed since stays in force. `deploymentId` is asked for only when something
   * new is stored.
   */
  async deployInTransaction(
    scope: TransactionScope,
    docs: readonly ParsedDecisionDocument[],
    deploymentId: () => Promise<string>,
    actor: Actor,
    options: { unchangedIfEverDeployed?: boolean } = {},
  ): Promise<{ created: boolean; decisions: DecisionDefinition[] }> {
    const { trx } = scope;
    const stored: DecisionDefinition[] = [];
    let created = false;
    for (const doc of docs) {
      for (const decision of doc.definitions.decisions.values()) {
        // Two deployments of one key at once must not take the same version.
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`deploy-decision:${decision.id}`]);
        const latest = await latestDecision(trx, decision.id);
        const unchanged =
          latest &&
          (latest.xml_hash === doc.hash ||
            (options.unchangedIfEverDeployed && (await everDeployed(trx, decision.id, doc.hash))));
        if (latest && unchanged) {
          stored.push(toDecisionDefinition(latest));
          continue;
        }
        const [row]: DecisionDefinitionRow[] = await trx('decision_definitions')
          .insert({
            id: randomUUID(),
            deployment_id: await deploymentId(),
            key: decision.id,
            version: (latest?.version ?? 0) + 1,
            name: decision.name || null,
            version_tag: doc.versionTags.get(decision.id) ?? null,
            decision_requirements_key: doc.definitions.id || decision.id,
            decision_requirements_name: doc.definitions.name || null,
            resource_name: doc.resourceName,
            xml: doc.xml,
            xml_hash: doc.hash,
            deployed_by: actor.username,
          })
          .returning(decisionColumns());
        if (!row) throw new Error(`the decision ${decision.id} was not stored`);
        created = true;
        stored.push(toDecisionDefinition(row));
        auditInTransaction(scope, actor, 'deployment.create', 'decision_definition', row.id, {
          key: row.key,
          version: row.version,
          created: true,
        });
      }
    }
    return { created, decisions: stored };
  }

  async list(
    options: { key?: string | undefined; latestVersion: boolean; deploymentId?: string | undefined },
    request: PageRequest,
  ): Promise<Page<DecisionDefinition>> {
    const query = this.db('decision_definitions as d')
      .select(decisionColumns('d'))
      .orderBy([{ column: 'd.key' }, { column: 'd.version', order: 'desc' }]);
    if (options.key) query.where('d.key', options.key);
    if (options.deploymentId) query.where('d.deployment_id', options.deploymentId);
    if (options.latestVersion) {
      query.whereRaw('d.version = (SELECT max(version) FROM decision_definitions d2 WHERE d2.key = d.key)');
    }
    return mapPage(await page<DecisionDefinitionRow>(query, request), toDecisionDefinition);
  }

  async get(id: string): Promise<DecisionDefinition> {
    const row = await decisionById(this.db, id);
    if (!row) throw new NotFound('decision definition', id);
    return toDecisionDefinition(row);
  }

  async latest(key: string): Promise<DecisionDefinition> {
    const row = await latestDecision(this.db, key);
    if (!row) throw new NotFound('decision definition', key);
    return toDecisionDefinition(row);
  }

  async xml(id: string): Promise<string> {
    const xml = await decisionXml(this.db, id);
    if (xml === undefined) throw new NotFound('decision definition', id);
    return xml;
  }

  /** The parsed document of a deployed version, parsed once per node. */
  async definitionsOf(row: DecisionDefinitionRow): Promise<DmnDefinitions> {
    const cached = this.parsed.get(row.id);
    if (cached) {
      // Most recently used last: the oldest entry is the one evicted.
      this.parsed.delete(row.id);
      this.parsed.set(row.id, cached);
      return cached;
    }
    const xml = await decisionXml(this.db, row.id);
    if (xml === undefined) throw new NotFound('decision definition', row.id);
    const definitions = parseDmn(xml);
    this.parsed.set(row.id, definitions);
    if (this.parsed.size > CACHE_SIZE) this.parsed.delete(this.parsed.keys().next().value as string);
    return definitions;
  }

  /**
   * Evaluates the latest version of a decision outside any process (the API's evaluate, Camunda's
   * POST /decision-definition/key/{key}/evaluate) and keeps the evaluation in history.
   */
  async evaluateLatest(
    key: string,
    variables: Record<string, unknown>,
    actor: Actor,
  ): Promise<{
    definition: DecisionDefinitionRow;
    result: Record<string, unknown>[];
    evaluation: DecisionEvaluationView;
  }> {
    const definition = await latestDecision(this.db, key);
    if (!definition) throw new NotFound('decision definition', key);
    const evaluation = evaluateDecision(await this.definitionsOf(definition), definition.key, variables);
    const record: EvaluationRecord = {
      instanceId: null,
      elementId: null,
      executionId: null,
      departmentId: null,
      definition,
      variables,
      evaluation,
      resultVariable: null,
      result: mapDecisionResult(evaluation, 'resultList'),
      evaluatedAt: new Date(this.clock.now()),
      evaluatedBy: actor.username,
    };
    const row = evaluationRow(record);
    await this.db('decision_evaluations').insert(row);
    return {
      definition,
      result: evaluation.outputs,
      evaluation: toDecisionEvaluation({ ...row, evaluation, result: record.result }),
    };
  }

  /** The evaluations of an instance the actor may read (404 for any other, as the instance itself). */
  async forInstance(instanceId: string, actor: Actor): Promise<DecisionEvaluationView[]> {
    const readable = await instanceReadable(this.authorization, actor);
    const instance = await this.db('process_instances')
      .where({ id: instanceId })
      .where(readable.where('process_instances'))
      .first<{ id: string } | undefined>('id');
    if (!instance) throw new NotFound('process instance', instanceId);
    return instanceEvaluations(this.db, instanceId);
  }
}
