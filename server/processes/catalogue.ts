import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import type { Logger } from '../lib/logger.js';
import type { DeploymentsService } from '../workflow/deployments.service.js';

/**
 * The shipped processes: processes/*.bpmn, their forms processes/forms/*.form (issue 5) and the
 * DMN decisions they evaluate, processes/decisions/*.dmn.
 */
export const PROCESSES_DIR = fileURLToPath(new URL('../../processes/', import.meta.url));

export interface CatalogueFile {
  file: string;
  text: string;
}

export interface CatalogueResult {
  forms: string[];
  decisions: { file: string; key: string; version: number; created: boolean }[];
  processes: { file: string; key: string; version: number; created: boolean }[];
  failed: { file: string; error: string; details?: unknown }[];
}

async function readAll(dir: string, extension: string): Promise<CatalogueFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files = names.filter((n) => n.endsWith(extension)).sort();
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(dir, file), 'utf8') })));
}

/** Reads the catalogue from disk: every form, every decision, then every process file. */
export async function readCatalogue(
  dir = PROCESSES_DIR,
): Promise<{ forms: CatalogueFile[]; decisions: CatalogueFile[]; processes: CatalogueFile[] }> {
  const [forms, decisions, processes] = await Promise.all([
    readAll(path.join(dir, 'forms'), '.form'),
    readAll(path.join(dir, 'decisions'), '.dmn'),
    readAll(dir, '.bpmn'),
  ]);
  return { forms, decisions, processes };
}

/**
 * Deploys the catalogue as the system: the forms first (one deployment, unchanged forms keep
 * their version), then each decision file (a decision whose latest version came from the same
 * file keeps it: a table staff changed and deployed since stays in force until the shipped file
 * changes), then each process, whose formKeys and decisionRefs then resolve. Idempotent:
 * identical XML is the version already deployed, so every start may call it. A file that does not
 * deploy is logged and reported, and the others still deploy (the catalogue test fails on it).
 */
export async function deployCatalogue(
  deployments: DeploymentsService,
  logger: Logger,
  dir = PROCESSES_DIR,
): Promise<CatalogueResult> {
  const { forms, decisions, processes } = await readCatalogue(dir);
  const result: CatalogueResult = { forms: [], decisions: [], processes: [], failed: [] };
  for (const form of forms) {
    try {
      const [stored] = await deployments.deployForms([form.text], SYSTEM_ACTOR);
      if (stored) result.forms.push(stored.formId);
    } catch (err) {
      const e = err as Error & { details?: unknown };
      result.failed.push({ file: `forms/${form.file}`, error: e.message, details: e.details });
    }
  }
  for (const decision of decisions) {
    try {
      const deployed = await deployments.deployDecisions(
        [{ resourceName: decision.file, xml: decision.text }],
        `decisions/${decision.file}`,
        SYSTEM_ACTOR,
        undefined,
        { unchangedIfEverDeployed: true },
      );
      for (const d of deployed.decisions) {
        result.decisions.push({ file: decision.file, key: d.key, version: d.version, created: deployed.created });
      }
    } catch (err) {
      const e = err as Error & { details?: unknown };
      result.failed.push({ file: `decisions/${decision.file}`, error: e.message, details: e.details });
    }
  }
  for (const process of processes) {
    try {
      const already = await deployments.deployedFrom(process.text);
      if (already) {
        result.processes.push({ file: process.file, key: already.key, version: already.version, created: false });
        continue;
      }
      const deployed = await deployments.deploy(process.text, process.file.replace(/\.bpmn$/, ''), SYSTEM_ACTOR);
      result.processes.push({
        file: process.file,
        key: deployed.definition.key,
        version: deployed.definition.version,
        created: deployed.created,
      });
    } catch (err) {
      const e = err as Error & { details?: unknown };
      result.failed.push({ file: process.file, error: e.message, details: e.details });
    }
  }
  for (const failure of result.failed) logger.error(failure, 'a shipped process did not deploy');
  const created = result.processes.filter((p) => p.created);
  if (created.length) logger.info({ processes: created.map((p) => `${p.key}:${p.version}`) }, 'processes deployed');
  return result;
}
