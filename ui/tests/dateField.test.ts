import { describe, expect, it } from 'vitest';
import { dateField } from '../src/lib/dateField';

describe('dateField', () => {
  it('marks an empty date field and unmarks it once a day is set or typed', () => {
    const el = document.createElement('input');
    el.type = 'date';
    const handle = dateField(el, '') as { update: (v: string) => void; destroy: () => void };
    expect(el.hasAttribute('data-empty')).toBe(true);
    handle.update('2026-12-24');
    expect(el.hasAttribute('data-empty')).toBe(false);
    handle.update('');
    el.value = '2026-12-31';
    el.dispatchEvent(new Event('input'));
    expect(el.hasAttribute('data-empty')).toBe(false);
    handle.destroy();
  });
});
