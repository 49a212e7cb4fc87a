import type { Db } from '../db/index.js';

export interface Department {
  id: string;
  parentId: string | null;
  name: string;
  nameEn: string | null;
  level: string;
  path: string;
  active: boolean;
}

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
      .select('id', 'parent_id', 'name', 'name_en', 'level', 'path', 'active')
      .orderBy('path');
    for (const r of rows) {
      const d: Department = {
        id: r.id,
        parentId: r.parent_id,
        name: r.name,
        nameEn: r.name_en,
        level: r.level,
        path: r.path,
        active: r.active,
      };
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
