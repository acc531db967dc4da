import type { Report, SourceLocation } from '../analyzer/report';

/**
 * The one message protocol between the extension host and the timeline webview: a
 * discriminated union on `type` per direction. The first report is embedded in the page
 * (see page.ts); messages carry what changes after that.
 */
export type ToWebview =
  | { type: 'report'; report: Report; /** a run to compare against, if any */ baseline?: Report }
  | { type: 'revealFinding'; findingId: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openLocation'; location: SourceLocation }
  | { type: 'selectFinding'; findingId: string }
  | { type: 'export'; format: 'trace' | 'cpuprofile' };
