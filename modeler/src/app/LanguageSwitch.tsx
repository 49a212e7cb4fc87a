import { LOCALES, setLocale, useLocale, useT, type Locale } from '../lib/i18n';

/** 中文 / English as a labelled select: reachable by keyboard, announced with its purpose. */
export function LanguageSwitch() {
  const t = useT();
  const locale = useLocale();
  return (
    <select
      class="language"
      aria-label={t('app.language')}
      value={locale}
      onChange={(e) => setLocale(e.currentTarget.value as Locale)}
    >
      {LOCALES.map((l) => (
        <option key={l} value={l} lang={l === 'zh' ? 'zh-CN' : 'en'}>
          {t(`app.language.${l}`)}
        </option>
      ))}
    </select>
  );
}
