/**
 * The timeline's stylesheet, inlined into the page by cli/reportPage/page.ts (style-src allows inline).
 * Every colour goes through a --cl-* property that maps onto a VS Code theme variable, with
 * fallbacks by VS Code's theme kind (body classes vscode-light, vscode-dark,
 * vscode-high-contrast, vscode-high-contrast-light; dark without one, as the standalone report). Fixed sizes everywhere so nothing jumps while data loads.
 */
// ASCII only, as the whole page is (cli/reportPage/page.ts, modelJson: why): any other character
// as a CSS escape (`\b7 ` for a middle dot; in this template literal `\\b7 `).
export const TIMELINE_CSS = `
:root {
  --cl-bg: var(--vscode-editor-background, #1e1e1e);
  --cl-fg: var(--vscode-editor-foreground, #d4d4d4);
  --cl-muted: var(--vscode-descriptionForeground, #a0a0a0);
  --cl-panel: var(--vscode-sideBar-background, #252526);
  --cl-border: var(--vscode-panel-border, rgba(128,128,128,0.35));
  --cl-focus: var(--vscode-focusBorder, #007fd4);
  --cl-hover: var(--vscode-list-hoverBackground, rgba(128,128,128,0.18));
  --cl-active: var(--vscode-list-activeSelectionBackground, #04395e);
  --cl-active-fg: var(--vscode-list-activeSelectionForeground, #ffffff);
  --cl-button: var(--vscode-button-secondaryBackground, #3a3d41);
  --cl-button-fg: var(--vscode-button-secondaryForeground, #ffffff);
  --cl-tooltip: var(--vscode-editorHoverWidget-background, #252526);
  --cl-tooltip-border: var(--vscode-editorHoverWidget-border, #454545);
  --cl-grid: rgba(128,128,128,0.22);
  --cl-band: rgba(128,128,128,0.07);
  --cl-cat-user: var(--vscode-charts-blue, #3794ff);
  --cl-cat-library: var(--vscode-charts-purple, #b180d7);
  --cl-cat-node: var(--vscode-charts-green, #89d185);
  --cl-cat-gc: var(--vscode-charts-orange, #d18616);
  --cl-cat-native: var(--vscode-charts-yellow, #cca700);
  --cl-async: var(--vscode-terminal-ansiCyan, #29b8db);
  --cl-rejected: var(--vscode-charts-red, #f14c4c);
  --cl-lag: var(--vscode-charts-red, #f14c4c);
  --cl-concurrency: var(--vscode-terminal-ansiCyan, #29b8db);
  --cl-parallelism: var(--vscode-charts-blue, #3794ff);
  --cl-pool-running: var(--vscode-charts-purple, #b180d7);
  --cl-pool-queued: var(--vscode-charts-orange, #d18616);
  --cl-limit: var(--vscode-editor-foreground, #d4d4d4);
  --cl-selection: var(--vscode-editor-findMatchBorder, #ffcc00);
  --cl-error: var(--vscode-editorError-foreground, #f14c4c);
  --cl-warning: var(--vscode-editorWarning-foreground, #cca700);
  --cl-info: var(--vscode-editorInfo-foreground, #3794ff);
  --cl-gutter: 256px;
  --cl-side: 320px;
  color-scheme: dark;
}
/* Fallbacks follow VS Code's theme kind (the body class it sets), never the OS preference. */
body.vscode-light, body.vscode-high-contrast-light {
  --cl-bg: var(--vscode-editor-background, #ffffff);
  --cl-fg: var(--vscode-editor-foreground, #1f1f1f);
  --cl-muted: var(--vscode-descriptionForeground, #616161);
  --cl-panel: var(--vscode-sideBar-background, #f3f3f3);
  --cl-hover: var(--vscode-list-hoverBackground, #e8e8e8);
  --cl-active: var(--vscode-list-activeSelectionBackground, #0060c0);
  --cl-active-fg: var(--vscode-list-activeSelectionForeground, #ffffff);
  --cl-button: var(--vscode-button-secondaryBackground, #e5e5e5);
  --cl-button-fg: var(--vscode-button-secondaryForeground, #1f1f1f);
  --cl-tooltip: var(--vscode-editorHoverWidget-background, #f8f8f8);
  --cl-tooltip-border: var(--vscode-editorHoverWidget-border, #c8c8c8);
  --cl-cat-user: var(--vscode-charts-blue, #1a85ff);
  --cl-cat-library: var(--vscode-charts-purple, #8045b8);
  --cl-cat-node: var(--vscode-charts-green, #388a34);
  --cl-cat-gc: var(--vscode-charts-orange, #d18616);
  --cl-cat-native: var(--vscode-charts-yellow, #bf8803);
  --cl-async: var(--vscode-terminal-ansiCyan, #0598bc);
  --cl-concurrency: var(--vscode-terminal-ansiCyan, #0598bc);
  --cl-parallelism: var(--vscode-charts-blue, #1a85ff);
  --cl-pool-running: var(--vscode-charts-purple, #8045b8);
  --cl-limit: var(--vscode-editor-foreground, #1f1f1f);
  --cl-selection: var(--vscode-editor-findMatchBorder, #c08000);
  --cl-error: var(--vscode-editorError-foreground, #e51400);
  --cl-warning: var(--vscode-editorWarning-foreground, #bf8803);
  --cl-info: var(--vscode-editorInfo-foreground, #1a85ff);
  color-scheme: light;
}
body.vscode-dark { color-scheme: dark; }
/* High contrast: no filled buttons or selections (themes leave those colours unset or pale);
   text keeps the theme's foreground on the editor background, borders carry the state. */
body.vscode-high-contrast, body.vscode-high-contrast-light {
  --cl-border: var(--vscode-contrastBorder, #6fc3df);
  --cl-grid: var(--vscode-contrastBorder, #6fc3df);
  --cl-selection: var(--vscode-contrastActiveBorder, #f38518);
  --cl-button: transparent;
  --cl-button-fg: var(--vscode-foreground, #ffffff);
  --cl-active: transparent;
  --cl-active-fg: var(--vscode-foreground, #ffffff);
  --cl-hover: transparent;
  --cl-panel: var(--vscode-editor-background, #000000);
  --cl-muted: var(--vscode-foreground, #ffffff);
}
body.vscode-high-contrast-light {
  --cl-border: var(--vscode-contrastBorder, #0f4a85);
  --cl-grid: var(--vscode-contrastBorder, #0f4a85);
  --cl-selection: var(--vscode-contrastActiveBorder, #b5200d);
  --cl-button-fg: var(--vscode-foreground, #292929);
  --cl-active-fg: var(--vscode-foreground, #292929);
  --cl-panel: var(--vscode-editor-background, #ffffff);
  --cl-muted: var(--vscode-foreground, #292929);
}
body.vscode-high-contrast .cl-finding[aria-pressed="true"], body.vscode-high-contrast-light .cl-finding[aria-pressed="true"] { outline: 1px dashed var(--cl-selection); outline-offset: -1px; }
body.vscode-high-contrast .cl button:hover, body.vscode-high-contrast-light .cl button:hover { filter: none; outline: 1px dashed var(--cl-selection); }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; height: 100%; background: var(--cl-bg); color: var(--cl-fg);
  font-family: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  font-size: var(--vscode-font-size, 13px); overflow: hidden; }
#root { height: 100%; }
.cl { display: grid; grid-template-rows: auto 1fr; height: 100%; }
.cl.has-banner { grid-template-rows: auto auto 1fr; }
.cl-banner { padding: 4px 12px; font-size: 12px; color: var(--cl-fg); background: color-mix(in srgb, var(--cl-warning) 18%, transparent); border-bottom: 1px solid var(--cl-border); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cl-header { display: flex; align-items: center; gap: 16px; padding: 8px 12px; border-bottom: 1px solid var(--cl-border); min-height: 52px; }
.cl-title { font-size: 13px; font-weight: 600; margin: 0; max-width: 320px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cl-stats { display: flex; gap: 4px 18px; margin: 0; flex-wrap: wrap; flex: 1; }
.cl-stat { display: flex; flex-direction: column; min-width: 84px; }
.cl-stat dt { font-size: 11px; color: var(--cl-muted); }
.cl-stat dd { margin: 0; font-size: 15px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cl-stat.bad dd { color: var(--cl-error); }
.cl-stat .delta { font-size: 11px; margin-left: 6px; }
.cl-stat .delta.better { color: var(--vscode-testing-iconPassed, #73c991); }
.cl-stat .delta.worse { color: var(--cl-error); }
.cl-actions { display: flex; gap: 6px; }
.cl button { font: inherit; color: var(--cl-button-fg); background: var(--cl-button); border: 1px solid var(--cl-border); border-radius: 2px; padding: 3px 8px; cursor: pointer; }
.cl button:hover { filter: brightness(1.15); }
.cl :focus-visible { outline: 1px solid var(--cl-focus); outline-offset: 1px; }
.cl-body { display: grid; grid-template-columns: 1fr var(--cl-side); min-height: 0; }
.cl-main { display: grid; grid-template-rows: 44px 24px auto 1fr 26px; min-width: 0; min-height: 0; position: relative; }
.cl-cursor { position: absolute; top: 44px; bottom: 26px; width: 0; border-left: 1px dashed var(--cl-muted); pointer-events: none; display: none; z-index: 3; }
.cl-cursor span { position: absolute; top: 3px; left: 4px; font-size: 10px; padding: 0 3px; background: var(--cl-bg); color: var(--cl-fg); border: 1px solid var(--cl-border); white-space: nowrap; font-variant-numeric: tabular-nums; }
.cl-cursor span.flip { left: auto; right: 4px; }
.cl-strip { display: grid; grid-template-columns: var(--cl-gutter) 1fr; min-width: 0; position: relative; }
.cl-strip > .cl-gutter-cell { padding: 0 8px; color: var(--cl-muted); font-size: 11px; display: flex; align-items: center; border-right: 1px solid var(--cl-border); }
.cl-strip > div { min-width: 0; overflow: hidden; position: relative; }
.cl-strip canvas, .cl-strip svg { display: block; width: 100%; height: 100%; }
.cl-overview { border-bottom: 1px solid var(--cl-border); }
.cl-overview canvas { cursor: pointer; }
.cl-tracks { border-top: 1px solid var(--cl-border); border-bottom: 1px solid var(--cl-border); }
.cl-track-labels { display: flex; flex-direction: column; padding: 0 !important; align-items: stretch !important; }
.cl-track-label { display: flex; align-items: center; justify-content: space-between; padding: 0 8px; border-bottom: 1px solid var(--cl-band); white-space: nowrap; overflow: hidden; }
.cl-track-label .swatch { width: 10px; height: 10px; border-radius: 2px; display: inline-block; margin-right: 6px; flex: none; }
.cl-track-label .name { flex: 1; overflow: hidden; text-overflow: ellipsis; color: var(--cl-fg); }
.cl-track-label .value { font-variant-numeric: tabular-nums; }
.cl-lanes { position: relative; overflow-y: auto; overflow-x: hidden; min-height: 0; }
.cl-lanes-inner { position: relative; }
.cl-lanes-canvas { position: sticky; top: 0; display: block; margin-left: var(--cl-gutter); width: calc(100% - var(--cl-gutter)); cursor: grab; }
.cl-lanes-canvas:active { cursor: grabbing; }
.cl-lanes-gutter { position: absolute; left: 0; top: 0; width: var(--cl-gutter); border-right: 1px solid var(--cl-border); }
.cl-row-label { position: absolute; left: 0; right: 0; padding: 0 8px 0 20px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 11px; color: var(--cl-muted); }
.cl-row-label.lane { color: var(--cl-fg); font-weight: 600; padding-left: 12px; font-size: 12px; }
.cl-row-label.process { color: var(--cl-fg); padding-left: 4px; font-size: 11px; text-transform: none; background: var(--cl-band); font-weight: 600; }
.cl-row-label.dim { opacity: 0.55; font-weight: 400; }
.cl-overlay { position: absolute; top: 0; left: var(--cl-gutter); right: 0; pointer-events: none; overflow: hidden; }
.cl-marker { position: absolute; pointer-events: auto; cursor: pointer; border: 1px solid var(--cl-error); background: color-mix(in srgb, var(--cl-error) 14%, transparent); min-width: 3px; }
.cl-marker.warning { border-color: var(--cl-warning); background: color-mix(in srgb, var(--cl-warning) 12%, transparent); }
.cl-marker.info { border-color: var(--cl-info); background: color-mix(in srgb, var(--cl-info) 15%, transparent); }
.cl-marker.ghost { border-style: dashed; background: repeating-linear-gradient(135deg, transparent 0 5px, color-mix(in srgb, var(--cl-warning) 22%, transparent) 5px 7px); }
.cl-marker.selected { border-width: 2px; border-color: var(--cl-selection); z-index: 2; }
.cl-marker-label { position: absolute; left: 3px; top: -1px; font-size: 10px; white-space: nowrap; color: var(--cl-fg); pointer-events: none; }
.cl-selection { position: absolute; top: 0; bottom: 0; background: color-mix(in srgb, var(--cl-focus) 20%, transparent); border: 1px solid var(--cl-focus); pointer-events: none; display: none; }
.cl-status { display: flex; align-items: center; gap: 16px; padding: 0 12px; border-top: 1px solid var(--cl-border); font-size: 11px; color: var(--cl-muted); white-space: nowrap; overflow: hidden; }
.cl-status .range { color: var(--cl-fg); font-variant-numeric: tabular-nums; min-width: 260px; }
.cl-side { border-left: 1px solid var(--cl-border); background: var(--cl-panel); display: grid; grid-template-rows: minmax(96px, 1fr) minmax(150px, 1fr) auto; min-height: 0; overflow: hidden; }
.cl-side section { min-height: 0; display: flex; flex-direction: column; border-bottom: 1px solid var(--cl-border); }
.cl-side h2 { font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; margin: 0; padding: 8px 12px 6px; color: var(--cl-muted); font-weight: 600; }
.cl-findings { list-style: none; margin: 0; padding: 0 0 6px; overflow-y: auto; min-height: 0; }
.cl-finding { display: block; width: 100%; text-align: left; background: transparent !important; border: 0 !important; border-left: 3px solid transparent !important; padding: 6px 12px 6px 9px !important; color: var(--cl-fg) !important; }
.cl-finding:hover { background: var(--cl-hover) !important; }
.cl-finding[aria-pressed="true"] { background: var(--cl-active) !important; color: var(--cl-active-fg) !important; border-left-color: var(--cl-selection) !important; }
.cl-finding .sev { font-weight: 700; margin-right: 6px; }
.cl-finding .sev.error { color: var(--cl-error); }
.cl-finding .sev.warning { color: var(--cl-warning); }
.cl-finding .sev.info { color: var(--cl-info); }
.cl-finding .msg { display: block; margin-top: 2px; line-height: 1.35; overflow-wrap: anywhere; }
.cl-finding .where { display: block; font-size: 11px; color: var(--cl-muted); margin-top: 2px; overflow-wrap: anywhere; }
.cl-finding[aria-pressed="true"] .where { color: inherit; opacity: 0.85; }
.cl-empty { padding: 4px 12px 10px; color: var(--cl-muted); }
.cl-details { margin: 0; padding: 0 12px 10px; display: grid; grid-template-columns: auto 1fr; gap: 3px 10px; min-height: 0; overflow-y: auto; align-content: start; font-size: 12px; }
.cl-details dt { color: var(--cl-muted); }
.cl-details dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.cl-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 0 12px 10px; font-size: 11px; color: var(--cl-muted); }
.cl-legend span.sw { width: 10px; height: 10px; display: inline-block; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.cl-tooltip { position: fixed; z-index: 10; pointer-events: none; background: var(--cl-tooltip); color: var(--cl-fg); border: 1px solid var(--cl-tooltip-border); padding: 5px 8px; font-size: 12px; max-width: 440px; white-space: pre-wrap; overflow-wrap: anywhere; box-shadow: 0 2px 8px rgba(0,0,0,0.3); display: none; }
/* Narrower panels (VS Code beside an editor): a slimmer gutter and side panel, then the side
   panel under the timeline and the header on two rows. */
@media (max-width: 1100px) {
  :root { --cl-gutter: 190px; --cl-side: 260px; }
  .cl-stat { min-width: 72px; }
}
@media (max-width: 820px) {
  :root { --cl-gutter: 150px; }
  .cl-header { flex-wrap: wrap; gap: 6px 12px; padding: 6px 10px; }
  .cl-title { order: 1; flex: 1; max-width: none; min-width: min(12em, 100%); }
  .cl-actions { order: 2; flex-wrap: wrap; }
  .cl-stats { order: 3; flex-basis: 100%; gap: 2px 14px; }
  .cl-stat dd { font-size: 13px; }
  /* The side panel goes under the timeline and takes at most a third of the height, so the lanes keep theirs. */
  .cl-body { grid-template-columns: 1fr; grid-template-rows: minmax(0, 1fr) minmax(110px, 32%); }
  /* Track values fold under the name instead of disappearing. */
  .cl-track-label { display: grid; grid-template-columns: auto minmax(0, 1fr); align-content: center; line-height: 1.15; }
  .cl-track-label .value { grid-column: 2; font-size: 10px; color: var(--cl-muted); overflow: hidden; text-overflow: ellipsis; }
  .cl-side { border-left: 0; border-top: 1px solid var(--cl-border); grid-template-rows: minmax(0, 1fr) auto; grid-template-columns: 1fr 1fr; }
  .cl-side section { border-bottom: 0; border-right: 1px solid var(--cl-border); }
  /* The legend folds into one line across the bottom of the side panel. */
  .cl-side section:last-child { grid-column: 1 / -1; flex-direction: row; align-items: center; border-top: 1px solid var(--cl-border); border-right: 0; }
  .cl-side section:last-child h2 { padding: 3px 8px 3px 12px; }
  .cl-legend { padding: 3px 8px 3px 0; gap: 2px 10px; font-size: 10px; }
  /* The hints fold into a short form on a second status line. */
  .cl-main { grid-template-rows: 44px 24px auto 1fr auto; }
  .cl-status { flex-wrap: wrap; gap: 0 12px; padding: 3px 10px; white-space: normal; }
  .cl-status .range { min-width: 0; }
  .cl-status > span:last-child { display: none; }
  .cl-status::after { content: "wheel: zoom \\b7  drag: pan \\b7  Shift+drag: zoom to range \\b7  0: reset"; flex-basis: 100%; }
  .cl-row-label { padding-left: 12px; }
  .cl-row-label.lane { padding-left: 6px; }
}
.cl-side.with-routes { grid-template-rows: minmax(96px, 1fr) minmax(96px, 1fr) minmax(150px, 1fr) auto; }
.cl-routes-scroll { overflow-y: auto; min-height: 0; padding: 0 12px 6px; }
.cl-routes { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
.cl-routes th, .cl-routes td { text-align: right; padding: 1px 4px; font-weight: normal; }
.cl-routes th[scope="row"], .cl-routes thead th:first-child { text-align: left; overflow-wrap: anywhere; }
.cl-routes thead th { color: var(--cl-muted); }
.cl-routes .cl-route-why td { text-align: left; color: var(--cl-muted); font-size: 11px; padding-bottom: 4px; }
.cl-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
