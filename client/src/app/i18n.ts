import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
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

export function storedLocale(): AppLocale {
  const stored = localStorage.getItem(STORAGE_KEY);
  return isAppLocale(stored) ? stored : 'zh-CN';
}

/**
 * Chinese, the default and fallback, is part of the app; other languages are loaded when first
 * chosen, so nobody downloads messages they never read (see setLocale).
 */
export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN } as Record<AppLocale, MessageSchema>,
});

const LOADERS: Record<Exclude<AppLocale, 'zh-CN'>, () => Promise<{ default: MessageSchema }>> = {
  en: () => import('@/locales/en'),
};

async function ensureMessages(locale: AppLocale): Promise<void> {
  if (locale === 'zh-CN' || i18n.global.availableLocales.includes(locale)) return;
  i18n.global.setLocaleMessage(locale, (await LOADERS[locale]()).default);
}

/** The active locale, for Intl formatting and locale-dependent data (names, clause texts). */
export const currentLocale = computed<AppLocale>(() => i18n.global.locale.value);

/**
 * Switches the language once its messages are loaded; `persist: false` for a choice the app made
 * (not the user), which is not remembered.
 */
export async function setLocale(locale: AppLocale, { persist = true }: { persist?: boolean } = {}): Promise<void> {
  if (persist) localStorage.setItem(STORAGE_KEY, locale);
  await ensureMessages(locale);
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}

/** The browser's language as one of ours: any Chinese → zh-CN, anything else → English. */
export function browserLocale(): AppLocale {
  return /^zh\b/i.test(navigator.language) ? 'zh-CN' : 'en';
}
