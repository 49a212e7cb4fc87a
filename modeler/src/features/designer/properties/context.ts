import type { DesignerCatalog, DraftForm } from '../api';

/**
 * What the platform's properties entries read besides the diagram: the catalog (roles, users,
 * services, deployed processes), the draft's forms, the app's translation and the page's
 * "edit form" action. One mutable object, registered in the modeler as the `designerContext`
 * service, so that the page can update it without rebuilding the modeler.
 */
export interface DesignerContext {
  catalog: DesignerCatalog;
  forms: DraftForm[];
  locale: 'zh' | 'en';
  t(key: string, params?: Record<string, string | number>): string;
  editForm(formId: string | null, elementId: string): void;
}

export function emptyContext(): DesignerContext {
  return {
    catalog: { roles: [], users: [], services: [], processes: [], forms: [] },
    forms: [],
    locale: 'zh',
    t: (key) => key,
    editForm: () => undefined,
  };
}
