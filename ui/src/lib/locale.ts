// Which language the UI speaks and which locale formats its numbers and
// dates. The operating system's languages pick; a choice made in the app
// (kept as `steward.language`) overrides them. The format locale keeps the
// system's region when it speaks the same language (de-AT stays de-AT) and
// otherwise takes the language's main one, so a German UI never shows
// "12/1/2026".
export type Language = 'en' | 'de';
export type LanguageChoice = 'system' | Language;
export const languageChoices: LanguageChoice[] = ['system', 'en', 'de'];

const fallbackLocale: Record<Language, string> = { en: 'en-US', de: 'de-DE' };
const storageKey = 'steward.language';

/** The system's language tags, canonical, best first. Under LANG=C the
 *  webview reports "C", which is no language tag: it is skipped. */
function systemTags(): string[] {
  const raw = typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
  const tags: string[] = [];
  for (const tag of raw) {
    try {
      const canonical = tag ? Intl.getCanonicalLocales(tag)[0] : undefined;
      if (canonical) tags.push(canonical);
    } catch {
      // Not a language tag.
    }
  }
  return tags;
}

const base = (tag: string): string => tag.split('-')[0]?.toLowerCase() ?? '';
const isLanguage = (l: string): l is Language => l === 'en' || l === 'de';

export function resolve(choice: LanguageChoice, tags: string[]): { language: Language; locale: string } {
  const language: Language =
    choice !== 'system' ? choice : ((tags.map(base).find(isLanguage) as Language | undefined) ?? 'en');
  const locale = tags.find((tag) => base(tag) === language) ?? fallbackLocale[language];
  return { language, locale };
}

export function readChoice(): LanguageChoice {
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved === 'system' || saved === 'en' || saved === 'de') return saved;
  } catch {
    // No storage: follow the system.
  }
  return 'system';
}

export const choice: LanguageChoice = readChoice();
export const { language, locale } = resolve(choice, systemTags());

/** Keeps the choice and reloads, so every string and cached format is
 *  made again in the new language. */
export function choose(next: LanguageChoice): void {
  try {
    localStorage.setItem(storageKey, next);
  } catch {
    // Without storage the choice cannot outlive this window.
    return;
  }
  location.reload();
}
