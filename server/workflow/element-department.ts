import type { Db } from '../db/index.js';
import { resolveTemplate, type Scope } from '../engine/expressions.js';
import { Conflict } from '../lib/errors.js';
import { asText } from '../lib/text.js';

/**
 * A user task or call activity whose camunda:property `department` names a department that does
 * not exist or lies outside its instance's department subtree: the command that reached it is
 * refused as a whole (a job's step becomes an incident at once, with this reason).
 */
export class ElementDepartmentRefused extends Conflict {
  constructor(elementId: string, reason: string) {
    super('ELEMENT_DEPARTMENT_REFUSED', `"${elementId}": ${reason}`);
  }
}

/** One element execution whose department the step must settle. */
export interface DepartmentRequest {
  elementId: string;
  /** The element's camunda:property `department`, or null for the instance's own department. */
  template: string | null;
  /** What its `${…}` sees: the instance's variables and the execution's locals (a loop's element). */
  scope: Scope;
}

/**
 * The departments of the element executions a step reached, in order: the instance's own unless
 * the element names one with camunda:property `department`. A named department must exist and
 * lie within the instance's own department subtree, so that a county's process can never put a
 * task or a called process into another county; one statement reads every named department.
 */
export async function resolveElementDepartments(
  trx: Db,
  instance: { department_id: string | null },
  requests: DepartmentRequest[],
): Promise<(string | null)[]> {
  const named = requests.map((r) => (r.template === null ? null : resolved(r)));
  const ids = [...new Set(named.filter((id): id is string => id !== null))];
  if (ids.length === 0) return requests.map(() => instance.department_id);
  const rows: { id: string; path: string }[] = await trx('departments')
    .whereIn('id', [...ids, ...(instance.department_id ? [instance.department_id] : [])])
    .select('id', 'path');
  const paths = new Map(rows.map((r) => [r.id, r.path]));
  const own = instance.department_id ? paths.get(instance.department_id) : undefined;
  return requests.map((request, i) => {
    const id = named[i];
    if (id === null || id === undefined) return instance.department_id;
    const path = paths.get(id);
    if (!path) throw new ElementDepartmentRefused(request.elementId, `department "${id}" does not exist`);
    if (!own || !path.startsWith(own)) {
      throw new ElementDepartmentRefused(
        request.elementId,
        `department "${id}" is not within the instance's department "${instance.department_id ?? '(none)'}"`,
      );
    }
    return id;
  });
}

function resolved(request: DepartmentRequest): string {
  let value: unknown;
  try {
    value = resolveTemplate(request.template ?? '', request.scope);
  } catch (err) {
    throw new ElementDepartmentRefused(
      request.elementId,
      `its department ${request.template} could not be evaluated: ${(err as Error).message}`,
    );
  }
  const id = value === null || value === undefined ? '' : asText(value).trim();
  if (!id) throw new ElementDepartmentRefused(request.elementId, `its department ${request.template} is empty`);
  return id;
}
