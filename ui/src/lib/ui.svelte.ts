// Cross-screen UI state: overlays, toasts, theme, the check-in target.
import { api, toErrorPayload } from './api';
import type { ErrorPayload } from './bindings';

export type Theme = 'system' | 'light' | 'dark';

class UiState {
  paletteOpen = $state(false);
  helpOpen = $state(false);
  checkInFor = $state<number | null>(null);
  toast = $state<string | null>(null);
  error = $state<ErrorPayload | null>(null);
  theme = $state<Theme>(readTheme());
  /** Bumped after every write so open screens refetch what they show. */
  revision = $state(0);

  notify(message: string) {
    this.toast = message;
    setTimeout(() => {
      if (this.toast === message) this.toast = null;
    }, 3500);
  }

  changed() {
    this.revision += 1;
  }

  #shown = false;

  /** The first screen is on display (after its next paint): the app's
   *  start-up work, which would compete with it, may begin. Once. */
  shown() {
    if (this.#shown) return;
    this.#shown = true;
    requestAnimationFrame(() => {
      performance.mark('steward:shown');
      api.ready().catch(() => {
        // An older shell without the command starts its work on a timer.
      });
    });
  }

  /** Runs a write: on success says `done` and makes open screens refetch;
   *  on failure shows the error. True when it succeeded. */
  async write(work: () => Promise<unknown>, done: () => string): Promise<boolean> {
    try {
      await work();
    } catch (e) {
      this.error = toErrorPayload(e);
      return false;
    }
    this.notify(done());
    this.changed();
    return true;
  }

  cycleTheme() {
    this.theme = this.theme === 'system' ? 'light' : this.theme === 'light' ? 'dark' : 'system';
    try {
      localStorage.setItem('steward.theme', this.theme);
    } catch {
      // Private mode or storage full: the choice lasts for this session.
    }
  }

  get overlayOpen(): boolean {
    return this.paletteOpen || this.helpOpen || this.checkInFor !== null;
  }
}

function readTheme(): Theme {
  try {
    const saved = localStorage.getItem('steward.theme');
    if (saved === 'light' || saved === 'dark' || saved === 'system') return saved;
  } catch {
    // No storage: follow the system.
  }
  return 'system';
}

export const ui = new UiState();
