import { useI18n } from 'vue-i18n';
import { isDecimal } from '@/app/decimal';
import type { MessageSchema } from '@/locales/zh-CN';

type NumericString = `${number}`;

/** Message groups that label the values of an API enum (or code list), e.g. `orderStatus.CONFIRMED`. */
export type EnumGroup = keyof Pick<
  MessageSchema,
  | 'orderStatus'
  | 'orderStage'
  | 'purchaseOrderStatus'
  | 'reservationStatus'
  | 'shipmentStatus'
  | 'productStatus'
  | 'unitOfMeasure'
  | 'paymentMethod'
  | 'terminationStatus'
  | 'terminationScope'
  | 'lifecycleEvent'
  | 'approvalStepStatus'
  | 'confirmationStatus'
  | 'preferredResolution'
  | 'settlementKind'
  | 'settlementStatus'
  | 'followUpKind'
  | 'followUpStatus'
  | 'followUpOutcome'
  | 'reasonCategory'
  | 'terminationFault'
  | 'department'
  | 'purchaseOrderAction'
  | 'role'
  | 'apiKeyScope'
  | 'mailStatus'
  | 'auditAction'
  | 'actorType'
  | 'customerNoticeKind'
  | 'noticeChannel'
  | 'supplierNoticeChannel'
  | 'silenceMeans'
  | 'calendarDayKind'
  | 'webhookEndpointKind'
  | 'webhookDeliveryStatus'
>;

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

/**
 * Locale-aware display of the API's values. Amounts are decimal strings and are handed to
 * Intl.NumberFormat as strings, which formats them exactly (no conversion to a float).
 */
export function useFormat() {
  const { locale, t, te } = useI18n();

  /** "1234.5" + "CNY" → "¥1,234.50" (zh-CN) / "CN¥1,234.50" (en). */
  function money(amount: string | null | undefined, currency: string): string {
    if (amount == null) return '—';
    if (!isDecimal(amount)) return `${amount} ${currency}`;
    return numberFormat(locale.value, { style: 'currency', currency }).format(amount as NumericString);
  }

  /** A decimal fraction as a percentage: "0.10" → "10%". */
  function rate(fraction: string): string {
    if (!isDecimal(fraction)) return fraction;
    return numberFormat(locale.value, { style: 'percent', maximumFractionDigits: 2 }).format(fraction as NumericString);
  }

  function quantity(value: number): string {
    return numberFormat(locale.value, { maximumFractionDigits: 0 }).format(value);
  }

  /** A LocalDate ("2026-03-01"): a calendar day, so no time-zone shift. */
  function date(value: string | null | undefined): string {
    if (!value) return '—';
    const parsed = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime())) return value;
    return dateFormat(locale.value, { dateStyle: 'medium', timeZone: 'UTC' }).format(parsed);
  }

  /** A DateTimeISO instant, shown in the browser's time zone. */
  function dateTime(value: string | null | undefined): string {
    if (!value) return '—';
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) return value;
    return dateFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' }).format(parsed);
  }

  /** An instant relative to `now`: "3 小时前" / "in 5 hours". Under a minute counts as now. `always` never says "tomorrow". */
  function relative(value: string | null | undefined, now = Date.now(), numeric: 'auto' | 'always' = 'auto'): string {
    if (!value) return '—';
    const diff = new Date(value).getTime() - now;
    if (Number.isNaN(diff)) return value;
    const key = `r|${locale.value}|${numeric}`;
    const cached = cache.get(key) as Intl.RelativeTimeFormat | undefined;
    const format = cached ?? new Intl.RelativeTimeFormat(locale.value, { numeric });
    if (!cached) cache.set(key, format);
    for (const [unit, ms] of RELATIVE_UNITS) {
      if (Math.abs(diff) >= ms) return format.format(Math.trunc(diff / ms), unit);
    }
    return format.format(0, 'minute');
  }

  /** Time passed since `value`, in its largest whole unit: "3 小时" / "3 hours". */
  function elapsed(value: string | null | undefined, now = Date.now()): string {
    if (!value) return '—';
    const ms = now - new Date(value).getTime();
    if (Number.isNaN(ms)) return value;
    for (const [unit, size] of RELATIVE_UNITS) {
      if (ms >= size) {
        return numberFormat(locale.value, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(
          Math.floor(ms / size),
        );
      }
    }
    return t('common.underAMinute');
  }

  function yesNo(value: boolean): string {
    return value ? t('common.yes') : t('common.no');
  }

  /** Data kept in both languages (names, clause texts): the English one when it exists and English is chosen. */
  function localized(zh: string, en: string | null | undefined): string {
    return locale.value === 'en' && en ? en : zh;
  }

  /** The translated label of an enum value; a value the client does not know yet is shown as sent. */
  function enumLabel(group: EnumGroup, value: string | null | undefined): string {
    if (!value) return '';
    const key = `${group}.${value}`;
    return te(key) ? t(key) : value;
  }

  return { money, rate, quantity, date, dateTime, relative, elapsed, yesNo, localized, enumLabel };
}
