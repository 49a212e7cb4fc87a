import type { Db } from '../db/index.js';
import { evaluateDecision, mapDecisionResult } from '../dmn/index.js';
import type { BusinessRuleTaskMeta } from '../engine/definitions.js';
import { resolveTemplate, type Scope } from '../engine/expressions.js';
import { StepContext, type Variables } from '../engine/step-context.js';
import type { Clock } from '../lib/clock.js';
import { AppError } from '../lib/errors.js';
import {
  decisionInDeployment,
  decisionVersion,
  decisionWithVersionTag,
  evaluationRow,
  latestDecision,
} from './decisions.repository.js';
import type { DecisionsService } from './decisions.service.js';

/** A business rule task's job, as the job executor hands it over. */
export interface BusinessRuleTaskCall {
  instanceId: string;
  elementId: string;
  executionId: string;
  task: BusinessRuleTaskMeta;
  instance: { definitionId: string; departmentId: string | null; variables: Variables };
}

/**
 * What the evaluation gives the job: the variables to set (the result variable, when the task
 * names one) and the history row to write in the step's transaction; or why it failed, which
 * becomes an incident (retrying an evaluation that failed on its rules or inputs gives the same).
 */
export type BusinessRuleTaskOutcome = { variables: Variables; record(trx: Db): Promise<void> } | { failed: string };

/**
 * Runs business rule tasks for the job executor as Camunda 7's DmnBusinessRuleTaskActivityBehavior
 * does: the decision is resolved at run time by key and binding (latest, deployment, version,
 * versionTag), evaluated over the instance's variables and the task's input parameters, and its
 * result mapped (mapDecisionResult, resultList by default) into the result variable.
 */
export class BusinessRuleTasks {
  constructor(
    private readonly db: Db,
    private readonly decisions: DecisionsService,
    private readonly clock: Clock,
  ) {}

  async evaluate(call: BusinessRuleTaskCall): Promise<BusinessRuleTaskOutcome> {
    const { task } = call;
    const where = `Business rule task "${call.elementId}"`;
    const scope = new StepContext(call.instance.variables, () => this.clock.now()).scope();
    let reference: DecisionReference;
    let inputs: Variables;
    try {
      reference = resolveReference(task, scope);
      inputs = resolveInputs(task, scope);
    } catch (err) {
      return { failed: `${where}: ${(err as Error).message}` };
    }
    const definition = await this.find(reference, call.instance.definitionId);
    if (!definition) return { failed: `${where}: ${notFound(reference)}` };
    const version = `decision '${definition.key}' version ${definition.version}`;
    try {
      const variables = { ...call.instance.variables, ...inputs };
      const evaluation = evaluateDecision(await this.decisions.definitionsOf(definition), definition.key, variables);
      const result = mapDecisionResult(evaluation, task.mapDecisionResult);
      const row = evaluationRow({
        instanceId: call.instanceId,
        elementId: call.elementId,
        executionId: call.executionId,
        departmentId: call.instance.departmentId,
        definition,
        // What the task passed besides the instance's variables: those are in the instance.
        variables: inputs,
        evaluation,
        resultVariable: task.resultVariable,
        result: task.resultVariable ? result : undefined,
        evaluatedAt: new Date(this.clock.now()),
        evaluatedBy: 'system',
      });
      return {
        variables: task.resultVariable ? { [task.resultVariable]: result } : {},
        record: async (trx) => {
          await trx('decision_evaluations').insert(row);
        },
      };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { failed: `${where}, ${version}: ${err.message}` };
    }
  }

  private async find(reference: DecisionReference, processDefinitionId: string) {
    const { key } = reference;
    switch (reference.binding) {
      case 'latest':
        return latestDecision(this.db, key);
      case 'version':
        return decisionVersion(this.db, key, reference.version);
      case 'versionTag':
        return decisionWithVersionTag(this.db, key, reference.versionTag);
      case 'deployment': {
        const process = await this.db('process_definitions')
          .where({ id: processDefinitionId })
          .first<{ deployment_id: string } | undefined>('deployment_id');
        return process ? decisionInDeployment(this.db, key, process.deployment_id) : undefined;
      }
    }
  }
}

/** Which decision a task names, its expressions resolved. */
type DecisionReference =
  | { key: string; binding: 'latest' | 'deployment' }
  | { key: string; binding: 'version'; version: number }
  | { key: string; binding: 'versionTag'; versionTag: string };

function resolveReference(task: BusinessRuleTaskMeta, scope: Scope): DecisionReference {
  const key = String(resolveTemplate(task.decisionRef, scope));
  switch (task.binding) {
    case 'version': {
      const version = Number(resolveTemplate(task.version ?? '', scope));
      if (!Number.isInteger(version) || version < 1) {
        throw new Error(`decisionRefVersion "${task.version ?? ''}" is not a version number`);
      }
      return { key, binding: 'version', version };
    }
    case 'versionTag':
      return { key, binding: 'versionTag', versionTag: String(resolveTemplate(task.versionTag ?? '', scope)) };
    default:
      return { key, binding: task.binding };
  }
}

/** Camunda's wording ("no decision definition deployed with key …"), with the binding. */
function notFound(reference: DecisionReference): string {
  const base = `no decision definition deployed with key '${reference.key}'`;
  switch (reference.binding) {
    case 'version':
      return `${base} and version '${reference.version}'`;
    case 'versionTag':
      return `${base} and version tag '${reference.versionTag}'`;
    case 'deployment':
      return `${base} in the deployment of the process definition`;
    default:
      return base;
  }
}

/** The task's camunda:inputParameter values, resolved over the instance's variables. */
function resolveInputs(task: BusinessRuleTaskMeta, scope: Scope): Variables {
  const inputs: Variables = {};
  for (const [name, value] of Object.entries(task.inputs ?? {})) {
    inputs[name] =
      typeof value === 'string'
        ? resolveTemplate(value, scope)
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplate(v, scope)]));
  }
  return inputs;
}
