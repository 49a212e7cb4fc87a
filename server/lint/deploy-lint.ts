import type { Db } from '../db/index.js';
import { DEFAULT_PROCESS_LIMITS, type ProcessLimits } from '../engine/runnability.js';
import { Invalid } from '../lib/errors.js';
import type { LintIssue } from './config.js';
import type { PlatformLintData } from './rules/support.js';

/** Where the lint runs (the engine's worker threads: a large document takes a while). */
export interface LintRunner {
  lint(xml: string, data: PlatformLintData): Promise<LintIssue[]>;
}

/** Where deployed form ids come from (the forms of earlier deployments). */
export interface FormCatalog {
  formIds(): Promise<string[]>;
}

export interface ServiceNames {
  list(): { name: string }[];
}

/**
 * The designer's checks, run again at deploy: the same rules and the same platform data the
 * browser gets from GET /api/v1/designer/lint-config. They are the deploy's user-facing check:
 * errors refuse the deployment with 400 LINT_FAILED before the engine compiles; warnings never
 * block.
 */
export class DeployLint {
  constructor(
    private readonly db: Db,
    private readonly services: ServiceNames,
    private readonly runner: LintRunner,
    private readonly forms: FormCatalog | null = null,
    /** The sizes a process may have (server/config): the rules and the engine's compile read them. */
    readonly limits: ProcessLimits = DEFAULT_PROCESS_LIMITS,
    /** An installation's choice (DEPLOY_WARNINGS_BLOCK): warnings refuse a deploy like errors. */
    private readonly warningsBlock = false,
  ) {}

  /**
   * The rules' config: registered services, role codes, active usernames, known form ids, limits.
   * External names an administrator mapped count as roles and users: a task naming them has someone.
   */
  async data(deploymentForms: string[] = []): Promise<PlatformLintData> {
    const [roleCodes, usernames, external, forms] = await Promise.all([
      this.db('roles').pluck('code'),
      this.db('users').where({ active: true }).pluck('username'),
      this.db('external_names').select<{ kind: string; external_name: string }[]>('kind', 'external_name'),
      this.forms ? this.forms.formIds() : Promise.resolve(null),
    ]);
    const named = (kind: string) => external.filter((e) => e.kind === kind).map((e) => e.external_name);
    const roles = [...(roleCodes as string[]), ...named('group')].sort();
    const users = [...(usernames as string[]), ...named('user')].sort();
    return {
      services: this.services
        .list()
        .map((s) => s.name)
        .sort(),
      roles,
      users,
      forms: forms ? [...new Set([...forms, ...deploymentForms])].sort() : null,
      limits: this.limits,
    };
  }

  async issues(xml: string, deploymentForms: string[] = []): Promise<LintIssue[]> {
    return this.runner.lint(xml, await this.data(deploymentForms));
  }

  /** Throws 400 LINT_FAILED naming every error (every warning too, when they block); returns the warnings. */
  async check(xml: string, deploymentForms: string[] = []): Promise<LintIssue[]> {
    return refuseOnErrors(await this.issues(xml, deploymentForms), this.warningsBlock);
  }
}

/**
 * The deploy's verdict on lint issues: any error refuses the deployment with 400 LINT_FAILED
 * naming every error (in the designer's words); warnings are returned, and block only where the
 * installation says so.
 */
export function refuseOnErrors(issues: LintIssue[], warningsBlock = false): LintIssue[] {
  const errors = warningsBlock ? issues : issues.filter((i) => i.severity === 'error');
  if (errors.length) {
    throw new Invalid(
      'LINT_FAILED',
      `the process has ${errors.length} problem(s) the designer's checks report: ${errors[0]?.message}`,
      errors.map((e) => ({ element: e.elementId, reason: e.message })),
      {
        details: errors.map(({ elementId, rule, message, code, params }) => ({
          elementId,
          rule,
          message,
          code,
          params,
        })),
      },
    );
  }
  return issues.filter((i) => i.severity === 'warn');
}
