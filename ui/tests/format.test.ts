import { describe, expect, it } from 'vitest';
import { addDays, ago, date, monthLabel, daysUntil, money, riskPercent, signedPercent } from '../src/lib/format';
import { t } from '../src/lib/messages';

describe('format', () => {
  it('labels chart months with the whole year', () => {
    expect(monthLabel(new Date(2026, 6, 1))).toBe('Jul 2026');
  });

  it('says how long ago a sync was in the largest whole unit', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(ago('2026-12-02T11:59:30Z', now)).toBe('this minute');
    expect(ago('2026-12-02T11:35:00Z', now)).toBe('25 minutes ago');
    expect(ago('2026-12-02T09:00:00+00:00', now)).toBe('3 hours ago');
    expect(ago('2026-12-01T10:00:00Z', now)).toBe('yesterday');
    expect(ago('2026-11-25T12:00:00Z', now)).toBe('7 days ago');
  });

  it('shows money from minor units in its own currency', () => {
    expect(money({ minor: 1_234_550, currency: 'USD' })).toBe('$12,345.5');
    expect(money({ minor: 15_000_000, currency: 'EUR' }, true)).toBe('€150K');
    // The digit that matters stays: $1,500 of expansion is not "$2K".
    expect(money({ minor: 150_000, currency: 'USD' }, true)).toBe('$1.5K');
    expect(money({ minor: 357_560_540, currency: 'USD' }, true)).toBe('$3.6M');
    expect(money({ minor: 1_234_500, currency: 'USD' }, true)).toBe('$12K');
    expect(money({ minor: 59_712_300, currency: 'USD' }, true)).toBe('$597K');
    // Yen have no minor unit: 1,235 stored is ¥1,235, not ¥12.35.
    expect(money({ minor: 1_235, currency: 'JPY' })).toBe('¥1,235');
    expect(money({ minor: 1_235, currency: 'KWD' })).toContain('1.235');
    // An unknown code still shows the amount rather than throwing.
    expect(money({ minor: 100, currency: 'NOPE' })).toContain('1');
  });

  it('counts calendar days without time-zone drift', () => {
    expect(daysUntil('2027-03-01', '2027-02-27')).toBe(2);
    expect(daysUntil('2026-11-01', '2026-11-23')).toBe(-22);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(date('2026-03-31')).toBe('Mar 31, 2026');
  });

  it('signs trends', () => {
    expect(signedPercent(12.4)).toBe('+12%');
    expect(signedPercent(-20)).toBe('-20%');
    expect(signedPercent(0)).toBe('0%');
  });

  it('never claims a churn risk is certain or impossible', () => {
    expect(riskPercent(0.9996)).toBe('>90%');
    expect(riskPercent(0.93)).toBe('>90%');
    expect(riskPercent(0.0001)).toBe('<1%');
    expect(riskPercent(0.004)).toBe('<1%');
    expect(riskPercent(0.034)).toBe('3%');
    expect(riskPercent(0.31)).toBe('30%');
    expect(riskPercent(0.33)).toBe('35%');
  });

  it('fills message placeholders', () => {
    expect(t('portfolio.count', { count: 42 })).toBe('42 accounts');
    expect(t('import.done', { read: 4, written: 1, unchanged: 0, failed: 3 })).toBe(
      '4 rows read: 1 imported, 0 already up to date, 3 rejected.',
    );
  });
});
