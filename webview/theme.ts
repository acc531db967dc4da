/**
 * Canvas colours, read from the CSS custom properties as the body sees them (styles.ts maps them onto the
 * VS Code theme variables, with light/dark fallbacks for the standalone report). Re-read
 * whenever VS Code switches theme (it changes the body's class).
 */
export interface Theme {
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  /** Lines of the time axis (and borders). */
  border: string;
  band: string;
  categories: string[]; // by SLICE_CATEGORIES index
  async: string;
  rejected: string;
  lag: string;
  concurrency: string;
  parallelism: string;
  poolRunning: string;
  poolQueued: string;
  limit: string;
  selection: string;
  highContrast: boolean;
}

export function readTheme(el: Element = document.body): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--cl-bg', '#1e1e1e'),
    fg: v('--cl-fg', '#cccccc'),
    muted: v('--cl-muted', '#9d9d9d'),
    grid: v('--cl-grid', 'rgba(128,128,128,0.25)'),
    border: v('--cl-border', 'rgba(128,128,128,0.35)'),
    band: v('--cl-band', 'rgba(128,128,128,0.08)'),
    categories: [
      v('--cl-cat-user', '#3794ff'),
      v('--cl-cat-library', '#b180d7'),
      v('--cl-cat-node', '#89d185'),
      v('--cl-cat-gc', '#d18616'),
      v('--cl-cat-native', '#cca700'),
    ],
    async: v('--cl-async', '#4ec9b0'),
    rejected: v('--cl-rejected', '#f14c4c'),
    lag: v('--cl-lag', '#f14c4c'),
    concurrency: v('--cl-concurrency', '#4ec9b0'),
    parallelism: v('--cl-parallelism', '#3794ff'),
    poolRunning: v('--cl-pool-running', '#b180d7'),
    poolQueued: v('--cl-pool-queued', '#d18616'),
    limit: v('--cl-limit', '#cccccc'),
    selection: v('--cl-selection', '#ffcc00'),
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}
