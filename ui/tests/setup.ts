// jsdom has no layout engine and no ResizeObserver, which Svelte's
// bind:clientWidth uses; an observer that never fires keeps the initial size.
class NoLayoutResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoLayoutResizeObserver as unknown as typeof ResizeObserver;
