/// <reference types="vite/client" />
// The catalog is whole in both languages and nothing the UI shows is written
// outside it.
import { describe, expect, it } from 'vitest';
import { catalogs, t, type MessageKey } from '../src/lib/messages';
import type { Message } from '../src/lib/catalog/types';
import { resolve } from '../src/lib/locale';

const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : [m.one, m.other]);
const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('catalog', () => {
  const keys = Object.keys(catalogs.en) as MessageKey[];

  it('has every message in German with the same placeholders', () => {
    const wrong: string[] = [];
    for (const key of keys) {
      const english = catalogs.en[key];
      const german = catalogs.de[key];
      if (german === undefined) {
        wrong.push(`${key}: missing`);
        continue;
      }
      const wanted = placeholders(forms(english).join(' '));
      for (const form of forms(german)) {
        if (!form.trim()) wrong.push(`${key}: empty`);
        // A plural's "one" form may say the number in words ("einmal").
        const got = placeholders(form);
        if (typeof german === 'string' && got.join() !== [...new Set(wanted)].join()) wrong.push(`${key}: {${got}} vs {${wanted}}`);
        for (const p of got) if (!wanted.includes(p)) wrong.push(`${key}: unknown {${p}}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(Object.keys(catalogs.de).sort()).toEqual([...keys].sort());
  });

  it('is translated, not copied: most German messages differ from the English', () => {
    const same = keys.filter((k) => JSON.stringify(catalogs.en[k]) === JSON.stringify(catalogs.de[k]));
    // Names and acronyms stay (Steward, ARR, QBR, CSAT, Onboarding…).
    expect(same.length / keys.length).toBeLessThan(0.08);
  });

  it('picks plural forms by the language and writes numbers its way', () => {
    expect(t('portfolio.count', { count: 1 }, 'en')).toBe('1 account');
    expect(t('portfolio.count', { count: 2 }, 'en')).toBe('2 accounts');
    expect(t('today.snoozed', { count: 1 }, 'de')).toBe('1 Warnung zurückgestellt');
    expect(t('today.snoozed', { count: 3 }, 'de')).toBe('3 Warnungen zurückgestellt');
    expect(t('portfolio.count', { count: 1234 }, 'en')).toBe('1,234 accounts');
  });

  it('follows the system language unless the CSM chose one, in the system region when it matches', () => {
    expect(resolve('system', ['de-AT', 'en-US'])).toEqual({ language: 'de', locale: 'de-AT' });
    expect(resolve('system', ['fr-FR', 'en-GB'])).toEqual({ language: 'en', locale: 'en-GB' });
    expect(resolve('system', [])).toEqual({ language: 'en', locale: 'en-US' });
    expect(resolve('de', ['en-US'])).toEqual({ language: 'de', locale: 'de-DE' });
    expect(resolve('en', ['de-DE', 'en-GB'])).toEqual({ language: 'en', locale: 'en-GB' });
  });
});

/** Every .svelte file's markup with scripts, styles, comments and {…}
 *  expressions taken out: what is left is written into the page as is. */
function literalMarkup(source: string): string {
  let s = source
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  // Expressions nest braces ({fn({a: 1})}): strip innermost first.
  for (let i = 0; i < 8; i++) s = s.replace(/\{[^{}]*\}/g, ' ');
  return s;
}

// Every component's source, as text.
const sources = import.meta.glob('../src/**/*.svelte', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

describe('no string outside the catalog', () => {
  it('gives plural messages their count as a number, not as formatted text', () => {
    const plural = new Set(
      (Object.keys(catalogs.en) as MessageKey[]).filter((k) => typeof catalogs.en[k] !== 'string'),
    );
    const wrong: string[] = [];
    for (const [file, source] of Object.entries(sources)) {
      for (const m of source.matchAll(/t\('([\w.]+)',\s*\{([^}]*)\}/g)) {
        if (plural.has(m[1] as MessageKey) && /\b(count|n):\s*(number|String|`)/.test(m[2] ?? '')) wrong.push(`${file}: ${m[0]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('leaves no words in markup or in labelling attributes', () => {
    const found: string[] = [];
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    for (const [file, source] of Object.entries(sources)) {
      const markup = literalMarkup(source);
      // Text between tags (keyboard keys in <kbd> are symbols, not words).
      for (const m of markup.matchAll(/>([^<>]*)</g)) {
        const text = (m[1] ?? '').replace(/&\w+;/g, ' ').trim();
        if (/[A-Za-zÄÖÜäöüß]{2,}/.test(text) && !/^((Ctrl|Esc|Enter|Tab|Shift|[A-Z])\s*)+$/.test(text)) found.push(`${file}: "${text}"`);
      }
      for (const m of markup.matchAll(/\b(placeholder|title|aria-label|alt|label)="([^"]*)"/g)) {
        if (/[A-Za-z]{2,}/.test(m[2] ?? '') && !/^https?:\/\/$/.test(m[2] ?? '')) found.push(`${file}: ${m[1]}="${m[2]}"`);
      }
    }
    expect(found).toEqual([]);
  });
});
