/** Per-row checks of a sync record: each failure is a row error with a path and a code, never a throw. */

export type SyncErrorCode =
  | 'REQUIRED'
  | 'INVALID'
  | 'TOO_LONG'
  | 'UNKNOWN_REFERENCE'
  | 'REFERENCE_REJECTED'
  | 'DUPLICATE_IN_CALL'
  | 'CONFLICT'
  | 'TERMINATION_IN_PROGRESS';

export interface RowError {
  path: string;
  code: SyncErrorCode;
  message: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Collects a row's errors; every check returns the value it accepted (or undefined). */
export class RowChecker {
  readonly errors: RowError[] = [];

  fail(path: string, code: SyncErrorCode, message: string): void {
    this.errors.push({ path, code, message });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** A string: trimmed, required unless `optional`, at most `max` characters. */
  text(path: string, value: string | null | undefined, max: number, optional = false): string | null {
    const trimmed = typeof value === 'string' ? value.trim() : '';
    if (!trimmed) {
      if (!optional) this.fail(path, 'REQUIRED', `${path} is required.`);
      return null;
    }
    if (trimmed.length > max) {
      this.fail(path, 'TOO_LONG', `${path} may be at most ${max} characters.`);
      return null;
    }
    return trimmed;
  }

  email(path: string, value: string | null | undefined, optional = false): string | null {
    const text = this.text(path, value, 254, optional);
    if (text && !EMAIL_RE.test(text)) {
      this.fail(path, 'INVALID', `${path} is not an e-mail address.`);
      return null;
    }
    return text;
  }

  currency(path: string, value: string | null | undefined): string | null {
    const text = this.text(path, value, 3);
    if (text && !CURRENCY_RE.test(text)) {
      this.fail(path, 'INVALID', `${path} is a three-letter ISO 4217 code such as "CNY".`);
      return null;
    }
    return text;
  }

  /** A whole number in [min, max]. */
  int(path: string, value: number | null | undefined, min: number, max = 1_000_000_000, optional = false): number | null {
    if (value === null || value === undefined) {
      if (!optional) this.fail(path, 'REQUIRED', `${path} is required.`);
      return null;
    }
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(path, 'INVALID', `${path} must be a whole number from ${min} to ${max}.`);
      return null;
    }
    return value;
  }

  /** A non-negative decimal string with at most `scale` places and `digits` before the point. */
  decimal(path: string, value: string | null | undefined, scale: number, digits: number, optional = false): string | null {
    const text = this.text(path, value, 40, optional);
    if (text === null) return null;
    const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match || match[1]!.replace(/^0+(?=\d)/, '').length > digits || (match[2]?.length ?? 0) > scale) {
      this.fail(
        path,
        'INVALID',
        `${path} must be a decimal string with at most ${scale} places, e.g. "${scale === 2 ? '1234.50' : '0.10'}".`,
      );
      return null;
    }
    return text;
  }

  /** A money amount: up to 12 digits and 2 places. */
  money(path: string, value: string | null | undefined, optional = false): string | null {
    return this.decimal(path, value, 2, 12, optional);
  }

  /** A fraction from 0 to 1 with up to 4 places (fee and penalty rates). */
  rate(path: string, value: string | null | undefined, optional = false): string | null {
    const text = this.decimal(path, value, 4, 1, optional);
    if (text !== null && Number(text) > 1) {
      this.fail(path, 'INVALID', `${path} is a fraction from 0 to 1, e.g. "0.10" for 10 %.`);
      return null;
    }
    return text;
  }

  /** An ISO calendar date (YYYY-MM-DD) that exists. */
  date(path: string, value: string | null | undefined, optional = false): string | null {
    const text = this.text(path, value, 10, optional);
    if (text === null) return null;
    const parsed = new Date(`${text}T00:00:00Z`);
    if (!DATE_RE.test(text) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== text) {
      this.fail(path, 'INVALID', `${path} must be an ISO date (YYYY-MM-DD).`);
      return null;
    }
    return text;
  }

  /** A moment as an ISO 8601 date-time with an offset ("2026-11-30T08:00:00Z"), or a date (midnight UTC). */
  instant(path: string, value: string | null | undefined, optional = false): Date | null {
    const text = this.text(path, value, 40, optional);
    if (text === null) return null;
    if (DATE_RE.test(text)) return this.date(path, text) === null ? null : new Date(`${text}T00:00:00Z`);
    const parsed = new Date(text);
    if (!INSTANT_RE.test(text) || Number.isNaN(parsed.getTime())) {
      this.fail(path, 'INVALID', `${path} must be an ISO date-time with an offset, e.g. "2026-11-30T08:00:00Z".`);
      return null;
    }
    return parsed;
  }

  /** One of `allowed`; `fallback` when absent and optional. */
  oneOf<T extends string>(path: string, value: string | null | undefined, allowed: readonly T[], fallback?: T): T | null {
    if (value === null || value === undefined) {
      if (fallback !== undefined) return fallback;
      this.fail(path, 'REQUIRED', `${path} is required.`);
      return null;
    }
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(path, 'INVALID', `${path} must be one of ${allowed.join(', ')}.`);
      return null;
    }
    return value as T;
  }
}
