import type { Db } from '../db/index.js';
import type { DeployLint } from '../lint/deploy-lint.js';
import type { LintIssue } from '../lint/config.js';
import type { ServiceRegistry } from '../services/registry.js';
import { toService } from '../services/service.contract.js';
import type { DesignerCatalog, LintConfig } from './contract.js';

/**
 * What the designer's pickers offer (issue 7): roles and users for candidates, the service
 * registry, deployed processes for call activities. Readable by designers, who cannot read the
 * admin listings.
 */
export class DesignerCatalogService {
  constructor(
    private readonly db: Db,
    private readonly registry: ServiceRegistry,
    private readonly deployLint: DeployLint,
  ) {}

  async catalog(): Promise<DesignerCatalog> {
    const [roles, users, processes, forms] = await Promise.all([
      this.db('roles').select('code', 'name', 'name_en').orderBy('code'),
      this.db('users').where({ active: true }).select('username', 'display_name', 'department_id').orderBy('username'),
      this.db('process_definitions as d')
        .select('d.key', 'd.name', 'd.version')
        .whereRaw('d.version = (SELECT max(version) FROM process_definitions d2 WHERE d2.key = d.key)')
        .orderBy('d.key'),
      // Deployed task forms (server/forms): the form picker offers them beside the draft's own.
      this.db('forms').distinct('form_id').orderBy('form_id').pluck('form_id') as Promise<string[]>,
    ]);
    return {
      roles: roles.map((r: { code: string; name: string; name_en: string | null }) => ({
        code: r.code,
        name: r.name,
        nameEn: r.name_en,
      })),
      users: users.map((u: { username: string; display_name: string; department_id: string }) => ({
        username: u.username,
        displayName: u.display_name,
        departmentId: u.department_id,
      })),
      services: this.registry.list().map(toService),
      processes: processes.map((p: { key: string; name: string | null; version: number }) => ({
        key: p.key,
        name: p.name,
        version: Number(p.version),
      })),
      forms,
    };
  }

  /** Exactly the rule config the deploy check uses (GET /api/v1/designer/lint-config). */
  lintConfig(): Promise<LintConfig> {
    return this.deployLint.data();
  }

  lint(xml: string, forms: string[]): Promise<LintIssue[]> {
    return this.deployLint.issues(xml, forms);
  }
}
