import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { PortfolioQuery, PortfolioRow } from '../src/lib/bindings';

const calls: PortfolioQuery[] = [];
const rows: PortfolioRow[] = [
  row(1, 'Acme', 'A', 50_000_000, [10, 12, 14], 12),
  row(2, 'Globex', 'B', 8_000_000, [20, 15, 9], -40),
  row(3, 'Initech', 'C', 1_200_000, [], null),
];

vi.mock('../src/lib/api', () => ({
  api: {
    portfolio: async (q: PortfolioQuery) => {
      calls.push(q);
      return q.tiers.length ? rows.filter((r) => q.tiers.includes(r.tier)) : rows;
    },
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

beforeEach(async () => {
  calls.length = 0;
  router.reset({ name: 'portfolio' });
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(Portfolio, { target, props: { today: '2026-11-23' } }) as Record<string, unknown>;
  await settle();
});

afterEach(() => {
  if (app) unmount(app);
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
});
