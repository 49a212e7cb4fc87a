import type { Db } from '../db/index.js';
import { DEPARTMENT_COLUMNS, toDepartment, type Department, type DepartmentRow } from './department.contract.js';

export type { Department };

/**
 * The organisation tree, held in memory on every node (it is small and changes rarely) and
 * reloaded when the permission version moves. Expands a subtree path to department ids for
 * SQL filters.
 */
export class DepartmentTree {
  private byId = new Map<string, Department>();
  private sortedPaths: Department[] = [];

  static async load(db: Db): Promise<DepartmentTree> {
    const tree = new DepartmentTree();
    const rows = await db('departments')
      .select<DepartmentRow[]>(...DEPARTMENT_COLUMNS)
      .orderBy('path');
    for (const r of rows) {
      const d = toDepartment(r);
      tree.byId.set(d.id, d);
      tree.sortedPaths.push(d);
    }
    return tree;
  }

  get(id: string | null | undefined): Department | undefined {
    return id ? this.byId.get(id) : undefined;
  }

  all(): Department[] {
    return this.sortedPaths;
  }

  /** Ids of the departments at or below `path`. */
  subtreeIds(path: string): string[] {
    return this.sortedPaths.filter((d) => d.path.startsWith(path)).map((d) => d.id);
  }

  isRootPath(path: string): boolean {
    return this.sortedPaths.length > 0 && this.sortedPaths[0]?.path === path;
  }
}
