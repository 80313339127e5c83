import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import en from '@/locales/en';
import zhCN, { type MessageSchema } from '@/locales/zh-CN';

export const LOCALES = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
] as const;
export type AppLocale = (typeof LOCALES)[number]['code'];

const STORAGE_KEY = 'ot.locale';

function isAppLocale(value: unknown): value is AppLocale {
  return LOCALES.some((l) => l.code === value);
}

function storedLocale(): AppLocale {
  const stored = localStorage.getItem(STORAGE_KEY);
  return isAppLocale(stored) ? stored : 'zh-CN';
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

document.documentElement.lang = i18n.global.locale.value;

/** The active locale, for Intl formatting and locale-dependent data (names, clause texts). */
export const currentLocale = computed<AppLocale>(() => i18n.global.locale.value);

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}
