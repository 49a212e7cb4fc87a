import type { Locale } from './locale.js';

/** Chinese script and the full-width punctuation that goes with it. */
const CJK = '\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef';
/** Chinese (up to its last Chinese character, and a ? or ) right after it), then the English. */
const BILINGUAL = new RegExp(`^(.*[${CJK}][?!:)]*)(\\s*)([A-Za-z0-9][^${CJK}]*)$`, 's');

/**
 * A process element's or process's name as a screen in `locale` shows it. The shipped processes
 * name things in both languages, Chinese first — "停电审批 Approve disconnection", "仍欠费? Still
 * owing?", "停电通知（提前7天）Written notice, 7 days ahead" — and each screen shows its own half.
 * Any other name (one language only, a code after Chinese such as "提交SAP") is shown as written.
 */
export function nameIn<T extends string | null | undefined>(name: T, locale: Locale): T {
  if (!name) return name;
  const match = BILINGUAL.exec(name.trim());
  if (!match) return name;
  const [, chinese = '', gap = '', english = ''] = match;
  // Two names, not one: the English half has words (lower case), and is set apart by a space or
  // by the full-width bracket that closes the Chinese.
  if (!/[a-z]/.test(english) || (!gap && !/[）)]$/.test(chinese))) return name;
  return (locale === 'en' ? english.trim() : chinese.trim()) as T;
}

/**
 * Of a thing's own (Chinese) name and its English one, where it has one, the name a screen in
 * `locale` shows: departments, roles, grid nodes all carry both.
 */
export function nameFor<T extends string | null | undefined>(
  locale: Locale,
  name: T,
  nameEn: string | null | undefined,
): string | T {
  return (locale === 'en' && nameEn) || name;
}
