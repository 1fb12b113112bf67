// A message is a string, or one form per plural category when it counts
// something; the catalog picks by the `count` (or `n`) value and the
// language's plural rules.
export type Plural = { readonly one: string; readonly other: string };
export type Message = string | Plural;

/** A catalog in another language: every key of the English one, no more. */
export type Translation<T> = { readonly [K in keyof T]: Message };
