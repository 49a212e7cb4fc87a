import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { hashXml, type DefinitionMeta as CompiledDefinitionMeta } from '../engine/definitions.js';
import type { EngineRunner } from '../engine/pool/runner.js';
import { DEFAULT_PROCESS_LIMITS } from '../engine/runnability.js';
import type { Actor } from '../lib/actor.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { DEFINITION_COLUMNS, type DefinitionRow } from './definitions.repository.js';
import type { Transactions } from './transactions.js';
import { auditInTransaction } from '../identity/audit.service.js';
import { FormsService, parseFormDocument } from '../forms/forms.service.js';
import type { FormSchema } from '../forms/validate.js';
import { isExpression } from '../engine/expressions.js';
import type { DeployLint, ServiceNames } from '../lint/deploy-lint.js';
import {
  toVersionSummary,
  type Deployment,
  type VersionSummary,
  type VersionSummaryRow,
} from './deployments.contract.js';
import { toDefinition, type Definition } from './definition.contract.js';
import type { DeployedForm } from '../forms/form.contract.js';
import {
  parseDecisionDocuments,
  type DecisionDocument,
  type DecisionsService,
} from '../decisions/decisions.service.js';
import type { DecisionDeployment } from '../decisions/decision.contract.js';
import { deployedDecisionKeys } from '../decisions/decisions.repository.js';
import { formatLintMessage } from '../lint/messages.js';
import type { LintIssueView } from './deployments.contract.js';

/**
 * Where a deploy goes when the caller groups several files into one deployment (Camunda's
 * deployment/create): the deployment row's id and source, created by the first file.
 */
export interface DeploymentTarget {
  id: string;
  source: string;
}

/** Deploys BPMN files as versions of their process key, and reads deployed versions back. */
export class DeploymentsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly services: ServiceNames,
    /** The task forms deployed with processes (server/forms). */
    readonly forms: FormsService,
    /** Reads and compiles the document off the main thread (a large one takes a while). */
    private readonly engine: EngineRunner,
    /** The designer's lint, run again here so nothing it refuses reaches production (issue 7). */
    private readonly lint: DeployLint | null = null,
    /** DMN decisions deployed with a process or on their own. */
    private readonly decisions: DecisionsService | null = null,
  ) {}

  /**
   * Validates and stores a BPMN document as the next version of its process key, with the
   * form-js forms deployed with it (each a new version of its form id unless unchanged). Every
   * literal camunda:formKey must name a form deployed now or before (400 FORM_NOT_FOUND).
   * Identical XML returns the version already deployed (created: false) instead of a new one.
   */
  async deploy(
    xml: string,
    name: string | undefined,
    actor: Actor,
    forms: unknown[] = [],
    target?: DeploymentTarget,
    decisionDocs: DecisionDocument[] = [],
  ): Promise<Deployment> {
    const formDocs = parseForms(forms);
    const dmn = this.parseDecisions(decisionDocs);
    // The lint is the deploy's check (the designer's rules and messages); it reports everything
    // compileDefinition would refuse, so compile refuses on its own only when no lint is given.
    const warnings =
      (await this.lint?.check(
        xml,
        formDocs.map((f) => f.id),
      )) ?? [];
    const compiled = await this.engine.compile(
      xml,
      this.services.list().map((s) => s.name),
      this.lint?.limits ?? DEFAULT_PROCESS_LIMITS,
    );
    const deployed = await this.transactions.run(async (scope) => {
      const { trx, outbox } = scope;
      // Serialize deployments of one key so two concurrent deploys cannot take the same version.
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`deploy:${compiled.key}`]);
      const deployedForms = await this.forms.deployForms(trx, formDocs, actor);
      const deploymentOf = deploymentRow(trx, target, name ?? compiled.name ?? compiled.key, actor);
      const formKeys = Object.entries(compiled.meta.userTasks)
        .filter(([, task]) => task.formKey && !isExpression(task.formKey))
        .map(([elementId, task]) => ({ elementId, formKey: task.formKey as string }));
      const existing: DefinitionRow | undefined = await trx('process_definitions')
        .where({ key: compiled.key, xml_hash: hashXml(xml) })
        .first(DEFINITION_COLUMNS);
      if (existing) {
        const decisions = await this.decisions?.deployInTransaction(scope, dmn, deploymentOf, actor);
        await this.forms.linkDefinition(trx, existing.id, formKeys, deployedForms);
        auditInTransaction(scope, actor, 'deployment.create', 'process_definition', existing.id, {
          key: existing.key,
          version: existing.version,
          created: false,
        });
        return { created: decisions?.created ?? false, definition: existing, decisions: decisions?.decisions ?? [] };
      }
      const latest = await trx('process_definitions').where({ key: compiled.key }).max('version as v').first();
      const deploymentId = await deploymentOf();
      const decisions = await this.decisions?.deployInTransaction(scope, dmn, deploymentOf, actor);
      const [definition]: DefinitionRow[] = await trx('process_definitions')
        .insert({
          id: randomUUID(),
          deployment_id: deploymentId,
          key: compiled.key,
          version: Number(latest?.v ?? 0) + 1,
          name: compiled.name,
          xml,
          xml_hash: compiled.xmlHash,
          serialized_context: compiled.serializedContext,
          meta: JSON.stringify(compiled.meta),
          deployed_by: actor.username,
        })
        .returning(DEFINITION_COLUMNS);
      if (!definition) throw new Error(`the definition ${compiled.key} was not stored`);
      await this.forms.linkDefinition(trx, definition.id, formKeys, deployedForms);
      await trx('operation_log').insert({
        operation: 'deploy',
        actor: actor.username,
        details: JSON.stringify({ key: compiled.key, definitionId: definition.id, version: definition.version }),
      });
      outbox.add({
        topic: 'definition:deployed',
        departmentId: null,
        definitionKey: compiled.key,
        instanceId: null,
        payload: { definitionId: definition.id, key: compiled.key, version: definition.version },
      });
      auditInTransaction(scope, actor, 'deployment.create', 'process_definition', definition.id, {
        key: compiled.key,
        version: definition.version,
        created: true,
      });
      return { created: true, definition, decisions: decisions?.decisions ?? [] };
    });
    const decisionWarnings = await this.unknownDecisions(compiled.meta.businessRuleTasks ?? {}, compiled.meta.elements);
    return {
      created: deployed.created,
      definition: toDefinition(deployed.definition),
      decisions: deployed.decisions,
      warnings: [...warnings, ...decisionWarnings],
    };
  }

  /**
   * The newest version deployed from exactly this XML, or null. Lets the catalogue skip the lint
   * and compile of a shipped file deployed before: every start asks, and nothing would change.
   */
  async deployedFrom(xml: string): Promise<Definition | null> {
    const row: DefinitionRow | undefined = await this.db('process_definitions')
      .where({ xml_hash: hashXml(xml) })
      .orderBy('version', 'desc')
      .first(DEFINITION_COLUMNS);
    return row ? toDefinition(row) : null;
  }

  /**
   * DMN documents alone: each decision the next version of its key, unless its latest version
   * came from the very same document (then that version is answered, created: false).
   */
  async deployDecisions(
    docs: DecisionDocument[],
    name: string | undefined,
    actor: Actor,
    target?: DeploymentTarget,
    options: { unchangedIfEverDeployed?: boolean } = {},
  ): Promise<DecisionDeployment> {
    const decisions = this.decisions;
    if (!decisions) throw new Invalid('DMN_NOT_SUPPORTED', 'decisions are not deployed on this node');
    const dmn = this.parseDecisions(docs);
    return this.transactions.run(async (scope) => {
      let created: string | null = null;
      const row = deploymentRow(scope.trx, target, name ?? docs[0]?.resourceName ?? 'decisions', actor);
      const deploymentOf = async () => (created = await row());
      const stored = await decisions.deployInTransaction(scope, dmn, deploymentOf, actor, options);
      // A Camunda client's deployment/create makes its deployment even when nothing changed.
      if (target) await deploymentOf();
      return {
        created: stored.created,
        // Nothing new: the deployment the versions answered came with (a target's id, if given).
        deploymentId: created ?? target?.id ?? stored.decisions[0]?.deploymentId ?? randomUUID(),
        decisions: stored.decisions,
      };
    });
  }

  private parseDecisions(docs: DecisionDocument[]) {
    if (docs.length && !this.decisions)
      throw new Invalid('DMN_NOT_SUPPORTED', 'decisions are not deployed on this node');
    return parseDecisionDocuments(docs);
  }

  /**
   * A business rule task naming a decision not deployed (yet) is a warning, not a refusal:
   * Camunda resolves the decision when the task runs, so the table may be deployed after the
   * process; until it is, an instance reaching the task stops with an incident.
   */
  private async unknownDecisions(
    tasks: NonNullable<CompiledDefinitionMeta['businessRuleTasks']>,
    elements: CompiledDefinitionMeta['elements'],
  ): Promise<LintIssueView[]> {
    const literal = Object.entries(tasks).filter(([, t]) => !isExpression(t.decisionRef));
    const deployed = await deployedDecisionKeys(
      this.db,
      literal.map(([, t]) => t.decisionRef),
    );
    return literal
      .filter(([, t]) => !deployed.has(t.decisionRef))
      .map(([elementId, t]) => {
        const params = { name: elements[elementId]?.name ?? elementId, value: t.decisionRef };
        return {
          elementId,
          rule: 'platform/decision-exists',
          message: formatLintMessage('business-rule.unknown-decision', params),
          severity: 'warn' as const,
          code: 'business-rule.unknown-decision',
          params,
        };
      });
  }

  /**
   * Forms alone (no process): each a new version of its id unless unchanged. With a target, the
   * deployment row is recorded too (a Camunda client's deployment of .form files has an id).
   */
  async deployForms(
    forms: unknown[],
    actor: Actor,
    target?: DeploymentTarget & { name: string },
  ): Promise<DeployedForm[]> {
    const docs = parseForms(forms);
    return this.transactions.run(async (scope) => {
      if (target) {
        await scope
          .trx('deployments')
          .insert({ id: target.id, name: target.name, source: target.source, deployed_by: actor.username })
          .onConflict('id')
          .ignore();
      }
      const stored = await this.forms.deployForms(scope.trx, docs, actor);
      return [...stored].map(([formId, id]) => ({ formId, id }));
    });
  }

  async list(options: { key?: string | undefined; allVersions: boolean }): Promise<Definition[]> {
    const query = this.db('process_definitions')
      .select<DefinitionRow[]>(DEFINITION_COLUMNS)
      .orderBy([{ column: 'key' }, { column: 'version', order: 'desc' }]);
    if (options.key) query.where({ key: options.key });
    if (!options.allVersions) {
      query.whereRaw(
        'version = (SELECT max(version) FROM process_definitions d2 WHERE d2.key = process_definitions.key)',
      );
    }
    return (await query).map(toDefinition);
  }

  /** Every version of one key, newest first, with the deployer's display name (null once the user is gone). */
  async versions(key: string): Promise<VersionSummary[]> {
    const rows: VersionSummaryRow[] = await this.db('process_definitions as d')
      .leftJoin('users as u', 'u.username', 'd.deployed_by')
      .where('d.key', key)
      .orderBy('d.version', 'desc')
      .select('d.id', 'd.key', 'd.version', 'd.name', 'd.deployed_by', 'u.display_name', 'd.deployed_at');
    if (rows.length === 0) throw new NotFound('process definition', key);
    return rows.map(toVersionSummary);
  }

  async get(id: string): Promise<Definition> {
    const row: DefinitionRow | undefined = await this.db('process_definitions').where({ id }).first(DEFINITION_COLUMNS);
    if (!row) throw new NotFound('process definition', id);
    return toDefinition(row);
  }

  async xml(id: string): Promise<string> {
    const row: { xml: string } | undefined = await this.db('process_definitions').where({ id }).first('xml');
    if (!row) throw new NotFound('process definition', id);
    return row.xml;
  }
}

/**
 * The deployment row of a deploy, inserted when first asked for: a target's (a Camunda client's
 * deployment of several files, which may exist already) or a new one.
 */
function deploymentRow(trx: Db, target: DeploymentTarget | undefined, name: string, actor: Actor) {
  let id: string | null = null;
  return async (): Promise<string> => {
    if (id) return id;
    const chosen = target?.id ?? randomUUID();
    await trx('deployments')
      .insert({
        id: chosen,
        name,
        ...(target ? { source: target.source } : {}),
        deployed_by: actor.username,
      })
      .onConflict('id')
      .ignore();
    id = chosen;
    return id;
  };
}

/** The forms of one deployment, parsed; one id may appear once. */
function parseForms(forms: unknown[]): FormSchema[] {
  const docs = forms.map((f, i) => parseFormDocument(f, `forms[${i}]`));
  const seen = new Set<string>();
  for (const doc of docs) {
    if (seen.has(doc.id))
      throw new Invalid('FORM_SCHEMA_INVALID', `the form id "${doc.id}" appears twice in the deployment`, [
        { field: 'forms', reason: `duplicate id ${doc.id}` },
      ]);
    seen.add(doc.id);
  }
  return docs;
}
