// Every string the UI shows goes through t(): the English catalog and its
// German translation (catalog/, one file per area in each language), the language picked in locale.ts, plural
// forms by the language's rules and numbers in the locale's format.
// t('key', {name: 'x'}) fills {name} placeholders.
import { en } from './catalog/en';
import { enConnections } from './catalog/en-connections';
import { enDecks } from './catalog/en-decks';
import { enPlans } from './catalog/en-plans';
import { de } from './catalog/de';
import { deConnections } from './catalog/de-connections';
import { deDecks } from './catalog/de-decks';
import { dePlans } from './catalog/de-plans';
import type { Message } from './catalog/types';
import { language, locale, type Language } from './locale';

const english = { ...en, ...enConnections, ...enDecks, ...enPlans };
export type MessageKey = keyof typeof english;

export const catalogs: Record<Language, Record<MessageKey, Message>> = {
  en: english,
  de: { ...de, ...deConnections, ...deDecks, ...dePlans },
};

const plurals = new Intl.PluralRules(locale);
const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });

/** The message in `lang` (the UI's language unless a test asks for another),
 *  its plural form chosen by `count` or `n`, placeholders filled; numbers
 *  are written the locale's way. */
export function t(key: MessageKey, vars?: Record<string, string | number>, lang: Language = language): string {
  const message = catalogs[lang][key];
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const counted = Number(vars?.count ?? vars?.n ?? 0);
    text = (lang === language ? plurals : new Intl.PluralRules(lang)).select(counted) === 'one' ? message.one : message.other;
  }
  if (vars) {
    for (const [k, v] of Object.entries(vars)) {
      text = text.replaceAll(`{${k}}`, typeof v === 'number' ? numbers.format(v) : v);
    }
  }
  return text;
}
