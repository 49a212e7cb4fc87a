import { ApiError } from '../../lib/api';
import { currentPath } from '../../app/router';
import { useLocale, useT, type Translate } from '../../lib/i18n';
import { can, useSession } from '../../lib/session';
import type { IndustryLists, ProvinceList } from '../../../../server/supervision/supervision.contract';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';

/** ¥1,234.56 from a decimal string, without a round trip through floating point. */
export function money(value: string): string {
  const negative = value.trim().startsWith('-');
  const [whole = '0', fraction = ''] = value.trim().replace(/^[-+]/, '').split('.');
  const digits = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${digits}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

/** 1,234,567 kWh from a decimal string (whole units). */
export function kwh(value: string): string {
  const whole = value.split('.')[0] ?? '0';
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')} kWh`;
}

export function errorText(t: Translate, err: unknown): string {
  if (err instanceof ApiError) return t('supervision.error', { message: err.message });
  return t('supervision.error', { message: err instanceof Error ? err.message : String(err) });
}

export function LevelBadge({ level }: { level: string | null }) {
  if (!level) return <span class="muted">—</span>;
  return <span class={`sv-level sv-level-${level}`}>{level}</span>;
}

/** The published industry list's names (one fetch per page load). */
let industryNames: Promise<IndustryLists> | null = null;
export function useIndustryName(): (code: string | null) => string {
  const locale = useLocale();
  const [lists, setLists] = useState<IndustryLists | null>(null);
  useEffect(() => {
    industryNames ??= api.get<IndustryLists>('/supervision/industries');
    industryNames.then(setLists, () => {
      industryNames = null;
    });
  }, []);
  return (code) => {
    if (!code || code === '-') return '—';
    const found = lists?.published?.industries.find((i) => i.code === code);
    return found ? `${code} ${locale === 'zh' ? found.nameZh : found.nameEn}` : code;
  };
}
export function forgetIndustryNames(): void {
  industryNames = null;
}

/** The supervision pages' tabs; groups only for those who may maintain them. */
export function SupervisionTabs() {
  const t = useT();
  const { user } = useSession();
  const path = currentPath();
  const tabs: [string, string][] = [
    ['/supervision', 'supervision.tab.register'],
    ['/supervision/warnings', 'supervision.tab.warnings'],
    ['/supervision/dashboard', 'supervision.tab.dashboard'],
    ['/supervision/industries', 'supervision.tab.industries'],
  ];
  if (can(user, 'risk', 'manage')) tabs.push(['/supervision/groups', 'supervision.tab.groups']);
  return (
    <nav class="sv-tabs" aria-label={t('supervision.nav')}>
      {tabs.map(([href, key]) => {
        const active =
          href === '/supervision' ? path === href || path.startsWith('/supervision/customers') : path.startsWith(href);
        return (
          <a
            key={href}
            href={`#${href}`}
            class={active ? 'active' : undefined}
            aria-current={active ? 'page' : undefined}
          >
            {t(key)}
          </a>
        );
      })}
    </nav>
  );
}

/** The provinces of the department tree in the caller's sight (one fetch per page load). */
let provinceList: Promise<ProvinceList> | null = null;
export function useProvinces(): ProvinceList['items'] {
  const [provinces, setProvinces] = useState<ProvinceList['items']>([]);
  useEffect(() => {
    provinceList ??= api.get<ProvinceList>('/supervision/provinces');
    provinceList.then(
      (l) => setProvinces(l.items),
      () => {
        provinceList = null;
      },
    );
  }, []);
  return provinces;
}

/**
 * A province's short name: the screens' own where they have one (浙江, not 浙江省电力公司), else
 * the department tree's in the reader's language, else its id.
 */
export function useProvinceName(): (id: string | null) => string {
  const t = useT();
  const locale = useLocale();
  const provinces = useProvinces();
  return (id) => {
    if (!id) return '—';
    const key = `supervision.province.${id}`;
    const name = t(key);
    if (name !== key) return name;
    const found = provinces.find((p) => p.id === id);
    return found ? ((locale === 'en' ? found.nameEn : null) ?? found.name) : id;
  };
}
export const TACTICS = Array.from({ length: 14 }, (_, i) => String(i + 1));
