import { useEffect, useState } from 'preact/hooks';
import type { Locale } from './locale';

export type { Locale };

/**
 * Messages per locale, merged from the shell and every feature's messages.ts (keys are
 * namespaced by feature: 'worklist.title'). Chinese is the default; the choice is kept in
 * localStorage. `t(key, params)` replaces `{name}` placeholders.
 */
export type Messages = Record<string, string>;
export interface MessageBundle {
  zh: Messages;
  en: Messages;
}

export const LOCALES: Locale[] = ['zh', 'en'];
const STORAGE_KEY = 'pm.locale';
const catalog: Record<Locale, Messages> = { zh: {}, en: {} };
const listeners = new Set<(locale: Locale) => void>();

function stored(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'zh' ? value : 'zh';
  } catch {
    return 'zh';
  }
}

let current: Locale = stored();

export function registerMessages(bundle: MessageBundle): void {
  Object.assign(catalog.zh, bundle.zh);
  Object.assign(catalog.en, bundle.en);
}

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  current = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  for (const listener of listeners) listener(locale);
}

export type Translate = (key: string, params?: Record<string, string | number | null | undefined>) => string;

export function translate(locale: Locale, key: string, params?: Record<string, string | number | null | undefined>) {
  const template = catalog[locale][key] ?? catalog.zh[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined || value === null ? '' : String(value);
  });
}

/** A code shown in words where the messages know it (`prefix.code`), else as it is. */
export function codeLabel(t: Translate, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  const text = t(key);
  return text === key ? code : text;
}

export function useLocale(): Locale {
  const [locale, setState] = useState(current);
  useEffect(() => {
    listeners.add(setState);
    setState(current);
    return () => void listeners.delete(setState);
  }, []);
  return locale;
}

export function useT(): Translate {
  const locale = useLocale();
  return (key, params) => translate(locale, key, params);
}

/** Date and time as staff read them: 2026-11-23 10:32 in both languages. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatTime(value: string | Date | null | undefined): string {
  return formatDateTime(value).slice(11);
}
