import type { Tariff } from '../../../../server/marketing/tariff.contract';
import type { TariffVersion } from '../../../../server/domain/tariffs/schema';
import type { ProblemDetail } from '../../lib/api';
import type { Translate } from '../../lib/i18n';

export type { Tariff, TariffVersion };

/**
 * The seeded tariffs whose prices are placeholders (server/marketing/billing-tariffs.ts): DOMAIN.md
 * publishes no general C&I or agricultural table, so their seed version carries prices of the right
 * order of magnitude only. A version an administrator adds replaces them.
 */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  'RUN-CI-SINGLE': '2024-01-01',
  'RUN-AGRI-SINGLE': '2024-01-01',
};

/** Whether this version is one of the seed's placeholder tables. */
export function isPlaceholderVersion(code: string, version: TariffVersion): boolean {
  return PLACEHOLDERS[code] === version.effectiveFrom;
}

/** Seeded tariffs the catalogues name in both languages; any other tariff shows its stored name. */
const KNOWN = new Set(['ZJ-RES', 'PROV-LI-10KV', 'RUN-CI-SINGLE', 'RUN-AGRI-SINGLE']);

export function tariffName(t: Translate, tariff: Tariff): string {
  return KNOWN.has(tariff.code) ? t(`admin.tariff.name.${tariff.code}`) : tariff.name;
}

/** The customer category a tariff serves, or its pricing kind when the platform does not know it. */
export function tariffCategory(t: Translate, tariff: Tariff): string {
  if (KNOWN.has(tariff.code)) return t(`admin.tariff.category.${tariff.code}`);
  const kind = tariff.versions[tariff.versions.length - 1]?.kind;
  return kind ? t(`admin.tariff.kind.${kind}`) : '';
}

const FUNDS: Readonly<Record<string, string>> = {
  'Major water-conservancy fund': 'water',
  'Reservoir resettlement fund': 'resettlement',
  'Renewable-energy surcharge': 'renewable',
  'Local reservoir fund': 'localReservoir',
};

/** DOMAIN.md §5.4 funds by their seeded (English) names, in the reader's language. */
export function fundName(t: Translate, name: string): string {
  const key = FUNDS[name];
  return key ? t(`admin.tariff.fund.${key}`) : name;
}

/** Today as YYYY-MM-DD in the reader's time zone (versions start on calendar days). */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export type VersionStatus = 'scheduled' | 'inEffect' | 'ended';

export function versionStatus(v: TariffVersion, day = today()): VersionStatus {
  if (v.effectiveFrom > day) return 'scheduled';
  if (v.effectiveTo !== undefined && v.effectiveTo < day) return 'ended';
  return 'inEffect';
}

/** The version in effect today, if any. */
export function currentVersion(tariff: Tariff): TariffVersion | undefined {
  return tariff.versions.find((v) => versionStatus(v) === 'inEffect');
}

function dayBefore(iso: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) - 1));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

/**
 * The tariff with `version` added (or put in place of the version that started on `replacing`):
 * the version before it is closed the day before it starts and it runs until the day before the
 * next one, as the API requires of non-overlapping versions. A date the API will refuse is sent
 * as it is, so the refusal names it. Returns the body and the new version's index in it.
 */
export function withVersion(
  tariff: Tariff,
  version: Record<string, unknown>,
  replacing?: string,
): { body: Tariff; index: number } {
  const from = typeof version.effectiveFrom === 'string' ? version.effectiveFrom : '';
  const closing = dayBefore(from);
  const others = tariff.versions
    .filter((v) => v.effectiveFrom !== replacing)
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const previous = closing ? others.filter((v) => v.effectiveFrom < from).pop() : undefined;
  const next = closing ? others.find((v) => v.effectiveFrom > from) : undefined;
  const adjusted = others.map((v) =>
    v === previous && (v.effectiveTo === undefined || v.effectiveTo >= from) ? { ...v, effectiveTo: closing } : v,
  );
  const added: Record<string, unknown> = { ...version };
  delete added.effectiveTo;
  const until = next ? dayBefore(next.effectiveFrom) : undefined;
  if (until) added.effectiveTo = until;
  const versions = [...adjusted, added as TariffVersion].sort((a, b) =>
    String(a.effectiveFrom).localeCompare(String(b.effectiveFrom)),
  );
  return { body: { ...tariff, versions }, index: versions.indexOf(added as TariffVersion) };
}

/** The schema's reasons (server/domain/tariffs/schema.ts, fields.ts) the catalogues translate. */
const REASONS: [RegExp, string][] = [
  [/must not be negative/, 'negative'],
  [/must be greater than 0/, 'positive'],
  [/T2 must be greater than T1/, 'thresholdOrder'],
  [/effectiveTo .* is before/, 'dateOrder'],
  [/YYYY-MM-DD/, 'date'],
  [/overlap/, 'overlap'],
  [/TOU prices need both/, 'touPair'],
  [/funds must be in-price/, 'fundInPrice'],
  [/needs a name/, 'fundName'],
  [/HH:MM/, 'hours'],
  [/MM-DD/, 'tierYearStart'],
  [/is required|must be a decimal number/, 'decimal'],
];

export function reasonText(t: Translate, reason: string): string {
  const known = REASONS.find(([pattern]) => pattern.test(reason));
  return known ? t(`admin.tariff.error.${known[1]}`) : reason;
}

/**
 * The refusal's details by the form field they concern ('prices.flat.tier2'): a detail on the
 * new version (`versions.<index>.…`) goes to its field; one on the list of versions (an overlap)
 * or on another version goes to the effective date, the only thing the form can change about them.
 */
export function fieldErrors(t: Translate, details: ProblemDetail[], index: number): Record<string, string> {
  const errors: Record<string, string> = {};
  const prefix = `versions.${index}.`;
  for (const d of details) {
    const field = d.field ?? '';
    const key = field.startsWith(prefix) ? field.slice(prefix.length) : 'effectiveFrom';
    errors[key] = errors[key] ? `${errors[key]} · ${reasonText(t, d.reason)}` : reasonText(t, d.reason);
  }
  return errors;
}
