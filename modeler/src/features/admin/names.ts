import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { getLocale } from '../../lib/i18n';
import type { List } from '../../../../server/lib/contract';
import type { Department } from '../../../../server/identity/department.contract';
import type { Role } from '../../../../server/identity/role.contract';
import { nameFor } from '../../lib/bilingual';

/** A name in the page's language: roles and departments carry a Chinese name and an optional English one. */
export function localName(thing: { name: string; nameEn: string | null } | undefined, fallback: string): string {
  if (!thing) return fallback;
  return nameFor(getLocale(), thing.name, thing.nameEn);
}

/** The roles and departments every administration screen names things by, loaded once per visit. */
export interface Organisation {
  roles: Role[];
  departments: Department[];
  roleName(code: string): string;
  departmentName(id: string): string;
  reload(): void;
}

export function useOrganisation(): Organisation | null {
  const [data, setData] = useState<{ roles: Role[]; departments: Department[] } | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    Promise.all([api.get<List<Role>>('/admin/roles'), api.get<List<Department>>('/admin/departments')])
      .then(([r, d]) => setData({ roles: r.items, departments: d.items }))
      .catch(() => setData({ roles: [], departments: [] }));
  }, [version]);
  if (!data) return null;
  const roles = new Map(data.roles.map((r) => [r.code, r]));
  const departments = new Map(data.departments.map((d) => [d.id, d]));
  return {
    ...data,
    roleName: (code) => localName(roles.get(code), code),
    departmentName: (id) => localName(departments.get(id), id),
    reload: () => setVersion((v) => v + 1),
  };
}

/** The departments as an indented list for a <select> (the tree order is the path order). */
export function departmentOptions(org: Organisation): { value: string; label: string }[] {
  return org.departments.map((d) => ({
    value: d.id,
    label: `${'\u3000'.repeat(Math.max(0, d.path.split('/').filter(Boolean).length - 1))}${localName(d, d.id)}`,
  }));
}

/** The message of a failure, for a toast or a form's alert. */
export function failure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
