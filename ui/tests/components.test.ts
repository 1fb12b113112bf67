import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Sparkline from '../src/components/Sparkline.svelte';
import UsageChart from '../src/components/UsageChart.svelte';

let mounted: Record<string, unknown>[] = [];
afterEach(() => {
  mounted.forEach((c) => unmount(c));
  mounted = [];
  document.body.innerHTML = '';
});

function render<P extends Record<string, unknown>>(component: unknown, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.appendChild(target);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  mounted.push(mount(component as any, { target, props }) as Record<string, unknown>);
  flushSync();
  return target;
}

describe('Sparkline', () => {
  it('draws one point per week and colours a falling trend', () => {
    const el = render(Sparkline, { values: [10, 9, 8, 6, 4], tone: 'down', label: '-60%' });
    const path = el.querySelector('path')?.getAttribute('d') ?? '';
    expect(path.match(/[ML]/g)?.length).toBe(5);
    expect(el.querySelector('svg')?.classList.contains('down')).toBe(true);
    expect(el.querySelector('svg')?.getAttribute('aria-label')).toBe('-60%');
  });

  it('shows a dash instead of a line with too little data', () => {
    const el = render(Sparkline, { values: [3] });
    expect(el.querySelector('svg')).toBeNull();
    expect(el.textContent).toContain('—');
  });
});

describe('UsageChart', () => {
  const points = Array.from({ length: 30 }, (_, i) => ({
    day: `2026-11-${String(i + 1).padStart(2, '0')}`,
    value: i === 10 ? null : 20 + (i % 7),
  }));

  it('labels the value axis with round numbers above the largest value', () => {
    const el = render(UsageChart, { points, seats: points.map(() => 30), metricLabel: 'Active users' });
    const labels = [...el.querySelectorAll('text.axis')].map((t) => t.textContent ?? '');
    const numbers = labels.filter((l) => /^\d+$/.test(l)).map(Number);
    expect(numbers).toEqual([0, 10, 20, 30, 40]);
    expect(el.querySelector('path.seats')).not.toBeNull();
  });

  it('breaks the line where a day has no value', () => {
    const el = render(UsageChart, { points, metricLabel: 'Active users' });
    const d = el.querySelector('path.value')?.getAttribute('d') ?? '';
    expect(d.match(/M/g)?.length).toBe(2);
  });
});
