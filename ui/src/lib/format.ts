// Numbers, money and dates through Intl with the user's locale; never by hand.
import type { Band, Money } from './bindings';
import { locale as userLocale } from './locale';

const locale = (): string => userLocale;

/** One formatter per kind and options for the page's life (the locale
 *  changes only with a reload): WebKit builds each new Intl formatter from
 *  ICU data, which costs far more than formatting with a kept one. */
const formatters = new Map<string, unknown>();
function kept<T>(kind: string, options: object, make: () => T): T {
  const key = locale() + kind + JSON.stringify(options);
  let f = formatters.get(key) as T | undefined;
  if (f === undefined) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}
const numberFormat = (o: Intl.NumberFormatOptions) => kept('n', o, () => new Intl.NumberFormat(locale(), o));
const dateFormat = (o: Intl.DateTimeFormatOptions) => kept('d', o, () => new Intl.DateTimeFormat(locale(), o));
const relativeFormat = () => kept('r', {}, () => new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' }));

const moneyFormats = new Map<string, Intl.NumberFormat>();
const minorDigits = new Map<string, number>();

/** Digits of a currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD):
 *  amounts arrive in minor units of their own currency. */
export function currencyDigits(currency: string): number {
  let digits = minorDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().minimumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    minorDigits.set(currency, digits);
  }
  return digits;
}

export function money(m: Money, compact = false): string {
  const key = `${m.currency}|${compact}`;
  let f = moneyFormats.get(key);
  if (!f) {
    try {
      // Compact keeps Intl's own rounding: two significant digits or the
      // whole units, whichever says more ($1.5K, $3.6M, $597K). Forcing
      // whole units turned $1,500 of expansion into "$2K".
      f = new Intl.NumberFormat(
        locale(),
        compact
          ? { style: 'currency', currency: m.currency, notation: 'compact' }
          : {
              style: 'currency',
              currency: m.currency,
              maximumFractionDigits: currencyDigits(m.currency),
              minimumFractionDigits: 0,
            },
      );
    } catch {
      // An unknown currency code still shows its amount and code.
      f = new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 });
    }
    moneyFormats.set(key, f);
  }
  return f.format(m.minor / 10 ** currencyDigits(m.currency));
}

export function number(n: number, digits = 0): string {
  return numberFormat({ maximumFractionDigits: digits }).format(n);
}

export function percent(n: number, digits = 0): string {
  return numberFormat({ style: 'percent', maximumFractionDigits: digits, signDisplay: 'auto' }).format(n / 100);
}

export function signedPercent(n: number): string {
  return numberFormat({ style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(n / 100);
}

/** Parses an ISO 'YYYY-MM-DD' as a calendar day (no time zone shift). */
export function parseDay(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function date(iso: string | null | undefined, style: 'medium' | 'short' = 'medium'): string {
  if (!iso) return '';
  return dateFormat({ dateStyle: style }).format(parseDay(iso.slice(0, 10)));
}

/** A chart's month label: "Jul 2026", never "Jul 26", which reads as a day. */
export function monthLabel(d: Date): string {
  return dateFormat({ month: 'short', year: 'numeric' }).format(d);
}

/** Whole days from `today` to `iso` (negative when in the past). */
export function daysUntil(iso: string, today: string): number {
  return Math.round((parseDay(iso).getTime() - parseDay(today).getTime()) / 86_400_000);
}

export function relativeDays(days: number): string {
  return relativeFormat().format(days, 'day');
}

/** How long ago an RFC 3339 moment was, in the largest whole unit
 *  ("3 hours ago", "yesterday"). */
export function ago(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const format = relativeFormat();
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(0, 'minute');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86400), 'day');
}

export function isoToday(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function addDays(iso: string, days: number): string {
  const d = parseDay(iso);
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function bytes(n: number): string {
  return numberFormat({ style: 'unit', unit: n > 1e6 ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 }).format(
    n > 1e6 ? n / 1e6 : n / 1e3,
  );
}

/** A shape per health band, so the band reads without colour too. */
export const bandShape: Record<Band, string> = { green: '●', yellow: '▲', red: '■', unknown: '○' };

/**
 * A churn probability as a person can believe it: no false precision and no
 * certainty a churn model cannot have. Below 1% reads "<1%", up to 10% in
 * whole points, to 90% in steps of five, above that ">90%" (the same as
 * `churn::percent` in Rust).
 */
export function riskPercent(p: number): string {
  const pct = p * 100;
  if (pct < 1) return `<${percent(1)}`;
  if (pct < 10) return percent(Math.round(pct));
  if (pct <= 90) return percent(Math.round(pct / 5) * 5);
  return `>${percent(90)}`;
}
