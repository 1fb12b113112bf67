// WebKitGTK draws an empty date field with today's date in grey, which reads
// as filled (a task added that way was saved without a date). A date field
// given this action says when it is empty (data-empty), and the stylesheet
// hides the grey date until the field is focused.
import type { Action } from 'svelte/action';

export const dateField: Action<HTMLInputElement, string | null | undefined> = (el, value) => {
  const mark = (v: string | null | undefined) => el.toggleAttribute('data-empty', !v);
  const typed = () => mark(el.value);
  mark(value ?? el.value);
  el.addEventListener('input', typed);
  el.addEventListener('change', typed);
  return {
    update: (next) => mark(next),
    destroy: () => {
      el.removeEventListener('input', typed);
      el.removeEventListener('change', typed);
    },
  };
};
