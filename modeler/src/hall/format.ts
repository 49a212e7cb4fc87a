import type { Locale } from '../lib/i18n';

/**
 * Figures as the server sends them (decimal strings) shown without a round trip through floating
 * point: digits grouped, the sign kept, two decimals for money.
 */
function grouped(value: string, decimals: number): string {
  const negative = value.trim().startsWith('-');
  const [whole = '0', fraction = ''] = value.trim().replace(/^[-+]/, '').split('.');
  const digits = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = decimals > 0 ? `.${fraction.padEnd(decimals, '0').slice(0, decimals)}` : '';
  return `${negative ? '-' : ''}${digits}${frac}`;
}

/** ¥1,234.56 */
export function money(value: string): string {
  const text = grouped(value, 2);
  return text.startsWith('-') ? `-¥${text.slice(1)}` : `¥${text}`;
}

/** The magnitude of an amount (a balance in the customer's favour is shown without its minus). */
export function abs(value: string): string {
  return value.trim().replace(/^[-+]/, '');
}

/** kWh with the decimals the value has, at most two: 1,234.5 */
export function kwh(value: string): string {
  const fraction = value.split('.')[1]?.replace(/0+$/, '') ?? '';
  return grouped(value, Math.min(fraction.length, 2));
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2026-11 → 2026年11月 / Nov 2026 */
export function period(value: string, locale: Locale): string {
  const [y, m] = value.split('-');
  const month = Number(m);
  if (!y || !month) return value;
  return locale === 'zh' ? `${y}年${month}月` : `${MONTHS_EN[month - 1] ?? m} ${y}`;
}

/** The month alone, for a chart's axis: 11月 / Nov */
export function monthShort(value: string, locale: Locale): string {
  const month = Number(value.split('-')[1]);
  return locale === 'zh' ? `${month}月` : (MONTHS_EN[month - 1] ?? value);
}

/** 2026-12-15 → 2026年12月15日 / 15 Dec 2026 */
export function date(value: string | null, locale: Locale): string {
  if (!value) return '';
  const [y, m, d] = value.slice(0, 10).split('-');
  const month = Number(m);
  if (!y || !month || !d) return value;
  return locale === 'zh' ? `${y}年${month}月${Number(d)}日` : `${Number(d)} ${MONTHS_EN[month - 1] ?? m} ${y}`;
}

/** A timestamp as the customer's local date. */
export function dateOf(timestamp: string, locale: Locale): string {
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return date(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, locale);
}

export function isPositive(value: string): boolean {
  return !value.trim().startsWith('-') && /[1-9]/.test(value);
}
