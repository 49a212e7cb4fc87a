import { currentQuery, navigate, useHashValue } from '../../app/router';
import { useT } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { AuditPanel } from './AuditPanel';
import { DepartmentsPanel } from './DepartmentsPanel';
import { ExternalNamesSection } from './ExternalNamesPanel';
import { useOrganisation } from './names';
import { PoliciesPanel } from './PoliciesPanel';
import { RolesPanel } from './RolesPanel';
import { TariffsPanel } from './TariffsPanel';
import { UsersPanel } from './UsersPanel';
import './admin.css';

const SECTIONS = ['users', 'roles', 'departments', 'policies', 'audit', 'external', 'tariffs'] as const;
type Section = (typeof SECTIONS)[number];

function sectionFromHash(): Section {
  const s = currentQuery().get('section');
  return (SECTIONS as readonly string[]).includes(s ?? '') ? (s as Section) : 'users';
}

/**
 * Administration: users, roles, the department tree, policies with a preview, the audit log and
 * external names, one section at a time (`#/admin?section=roles`, so a reload keeps the place).
 */
export function AdminPage() {
  const t = useT();
  const { can } = useSession();
  const org = useOrganisation();
  const section = useHashValue(sectionFromHash);
  // A section shows only to whoever its API lets in (tariffs: PUT /tariffs needs billing:write).
  const sections = SECTIONS.filter(
    (s) => (s !== 'audit' || can('audit', 'read')) && (s !== 'tariffs' || can('billing', 'write')),
  );
  return (
    <section class="page admin" aria-labelledby="admin-title">
      <div class="page-head">
        <h1 id="admin-title">{t('admin.title')}</h1>
        <a href="/api/docs">{t('admin.apiDocs')}</a>
      </div>
      <nav class="admin-sections" aria-label={t('admin.sections')}>
        {sections.map((s) => (
          <a
            key={s}
            href={`#/admin?section=${s}`}
            aria-current={section === s ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/admin?section=${s}`, { replace: true });
            }}
          >
            {t(`admin.section.${s}`)}
          </a>
        ))}
      </nav>
      {!org && <p class="loading">{t('app.loading')}</p>}
      {org && section === 'users' && <UsersPanel org={org} />}
      {org && section === 'roles' && <RolesPanel org={org} />}
      {org && section === 'departments' && <DepartmentsPanel org={org} />}
      {org && section === 'policies' && <PoliciesPanel org={org} />}
      {org && section === 'audit' && <AuditPanel org={org} />}
      {org && section === 'external' && <ExternalNamesSection />}
      {section === 'tariffs' && sections.includes('tariffs') && <TariffsPanel />}
    </section>
  );
}
