import { mount } from 'svelte';

// Start-up marks (steward:*) that the start-up benchmark reads back.
performance.mark('steward:script');
import './styles.css';
import App from './App.svelte';
import { toErrorPayload } from './lib/api';
import { ui } from './lib/ui.svelte';

// A failure nobody caught still reaches the person, as a readable banner.
window.addEventListener('error', (e) => {
  ui.error = toErrorPayload(e.error ?? e.message);
});
window.addEventListener('unhandledrejection', (e) => {
  ui.error = toErrorPayload(e.reason);
});

const target = document.getElementById('app');
if (!target) throw new Error('missing #app element');
export default mount(App, { target });
