import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { PortfolioPage, PortfolioQuery, PortfolioRow, Reporting } from '../src/lib/bindings';

const calls: PortfolioQuery[] = [];
const windows: [number, number][] = [];
let rows: PortfolioRow[] = [];
const noCurrency: Reporting = { currency: null, rates: [], book_currencies: ['USD'], missing: [], rates_of: null };
let reporting: Reporting = noCurrency;

vi.mock('../src/lib/api', () => ({
  api: {
    // As portfolio::page answers: the window of the filtered list, and the
    // whole list's count and ARR.
    portfolio: async (q: PortfolioQuery, offset: number, limit: number): Promise<PortfolioPage> => {
      calls.push(q);
      windows.push([offset, limit]);
      const all = q.tiers.length ? rows.filter((r) => q.tiers.includes(r.tier)) : rows;
      const sums = new Map<string, number>();
      for (const r of all) sums.set(r.arr.currency, (sums.get(r.arr.currency) ?? 0) + r.arr.minor);
      const rated = all.filter((r) => r.arr_reporting);
      return {
        total: all.length,
        offset,
        rows: all.slice(offset, offset + limit),
        arr_by_currency: [...sums].sort((a, b) => b[1] - a[1]).map(([currency, minor]) => ({ currency, minor })),
        arr_reporting: reporting.currency
          ? { minor: rated.reduce((sum, r) => sum + (r.arr_reporting?.minor ?? 0), 0), currency: reporting.currency }
          : null,
        without_rate: reporting.currency ? all.length - rated.length : 0,
      };
    },
    reporting: async () => reporting,
  },
  toErrorPayload: (e: unknown) => ({ code: 'internal', message: String(e) }),
}));

const { default: Portfolio } = await import('../src/views/Portfolio.svelte');
const { router } = await import('../src/lib/router.svelte');

function row(id: number, name: string, tier: 'A' | 'B' | 'C', minor: number, weekly: number[], trend: number | null): PortfolioRow {
  return {
    id,
    name,
    domain: `${name.toLowerCase()}.example`,
    tier,
    arr: { minor, currency: 'USD' },
    arr_reporting: null,
    renewal_date: '2027-01-15',
    lifecycle_stage: 'mature',
    status: 'active',
    days_since_touch: id * 10,
    usage_weekly: weekly,
    usage_trend_pct: trend,
    health_score: 90 - id * 10,
    health_band: id > 3 ? 'yellow' : 'green',
    health_change_7d: -id,
    touch_cadence_days: 30,
  };
}

let app: Record<string, unknown> | null = null;
let target: HTMLElement;

async function settle() {
  for (let i = 0; i < 5; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
}

async function show() {
  app = mount(Portfolio, { target, props: { today: '2026-11-23' } }) as Record<string, unknown>;
  await settle();
}

beforeEach(async () => {
  calls.length = 0;
  windows.length = 0;
  reporting = noCurrency;
  rows = [
    row(1, 'Acme', 'A', 50_000_000, [10, 12, 14], 12),
    row(2, 'Globex', 'B', 8_000_000, [20, 15, 9], -40),
    row(3, 'Initech', 'C', 1_200_000, [], null),
  ];
  router.reset({ name: 'portfolio' });
  target = document.createElement('div');
  document.body.appendChild(target);
  await show();
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

const names = () => [...target.querySelectorAll('[data-testid=portfolio-row] .title')].map((e) => e.textContent);

describe('Portfolio', () => {
  it('lists accounts with money, trend and a count', () => {
    expect(names()).toEqual(['Acme', 'Globex', 'Initech']);
    expect(target.textContent).toContain('$500K');
    expect(target.textContent).toContain('-40%');
    expect(target.querySelector('[data-testid=portfolio-count]')?.textContent).toContain('3 accounts');
    expect(target.querySelectorAll('svg.spark.down').length).toBe(1);
  });

  it('asks for a new sort when a header is clicked, biggest ARR first', async () => {
    const arr = [...target.querySelectorAll('[role=columnheader]')].find((h) => h.textContent?.startsWith('ARR'));
    (arr as HTMLElement).click();
    await settle();
    const last = calls.at(-1);
    expect(last?.sort).toBe('arr');
    expect(last?.descending).toBe(true);
    expect(arr?.getAttribute('aria-sort')).toBe('descending');
  });

  it('filters by tier', async () => {
    const b = [...target.querySelectorAll('button.chip')].find((c) => c.textContent === 'B') as HTMLElement;
    b.click();
    await settle();
    expect(calls.at(-1)?.tiers).toEqual(['B']);
    expect(names()).toEqual(['Globex']);
  });

  it('moves with j and opens with Enter', async () => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
    await settle();
    const selected = target.querySelector('[data-testid=portfolio-row][aria-selected=true] .title');
    expect(selected?.textContent).toBe('Globex');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    expect(router.current).toEqual({ name: 'account', id: 2 });
  });

  it('adds a mixed-currency book up in the reporting currency and says what it left out', async () => {
    unmount(app!);
    const [acme, globex, initech] = rows as [PortfolioRow, PortfolioRow, PortfolioRow];
    rows = [
      { ...acme, arr_reporting: acme.arr },
      { ...globex, arr: { minor: 9_000_000, currency: 'EUR' }, arr_reporting: { minor: 9_720_000, currency: 'USD' } },
      { ...initech, arr: { minor: 10_000_000, currency: 'CHF' } },
    ];
    reporting = { currency: 'USD', rates: [], book_currencies: ['USD', 'EUR', 'CHF'], missing: ['CHF'], rates_of: '2026-11-01' };
    await show();
    const total = target.querySelector('[data-testid=portfolio-total]');
    // 500,000 USD + 97,200 USD converted from EUR; the CHF account has no rate.
    expect(total?.textContent).toContain('$597K');
    expect(total?.getAttribute('title')).toContain('€90K');
    expect(target.querySelector('[data-testid=portfolio-count]')?.textContent).toMatch(/· 1 \w* ?without a rate left out/);
  });

  it('fetches a long list by the window: the rows on screen, then the ones scrolled to', async () => {
    unmount(app!);
    rows = Array.from({ length: 3000 }, (_, i) => row(i + 1, `Account ${String(i + 1).padStart(4, '0')}`, 'B', 100_000, [], null));
    await show();
    expect(target.querySelector('[data-testid=portfolio-count]')?.textContent).toContain('3,000 accounts');
    const [offset, limit] = windows.at(-1) ?? [0, 0];
    expect(offset).toBe(0);
    expect(limit).toBeLessThan(300);
    expect(names()[0]).toBe('Account 0001');
    expect(names()).not.toContain('Account 2001');

    const body = target.querySelector('.body') as HTMLDivElement;
    body.scrollTop = 34 * 2000;
    body.dispatchEvent(new Event('scroll'));
    await settle();
    await settle();
    expect(windows.at(-1)?.[0]).toBeGreaterThan(1800);
    expect(names()).toContain('Account 2001');
    // The figures stay the whole list's.
    expect(target.querySelector('[data-testid=portfolio-count]')?.textContent).toContain('$3M');
  });

  it('shows each currency on its own until a reporting currency is picked', async () => {
    unmount(app!);
    rows = rows.map((r) => (r.name === 'Globex' ? { ...r, arr: { minor: 9_000_000, currency: 'EUR' } } : r));
    await show();
    expect(target.querySelector('[data-testid=portfolio-total]')).toBeNull();
    const count = target.querySelector('[data-testid=portfolio-count]')?.textContent ?? '';
    expect(count).toContain('$512K');
    expect(count).toContain('€90K');
  });
});
