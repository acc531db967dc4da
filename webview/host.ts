import type { FromWebview, ToWebview } from './protocol';

/**
 * The page's link to whoever shows it. In VS Code: acquireVsCodeApi() (posts go to the
 * extension host). In the standalone HTML report there is no host: posts are dropped and
 * `inVsCode` is false, so the UI offers what it can do by itself (e.g. download a trace).
 */
export interface Host {
  readonly inVsCode: boolean;
  post(message: FromWebview): void;
  onMessage(listener: (message: ToWebview) => void): void;
}

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };

export function connectHost(): Host {
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  return {
    inVsCode: !!api,
    post: (m) => api?.postMessage(m),
    onMessage: (listener) => {
      window.addEventListener('message', (e: MessageEvent) => {
        const d = e.data as ToWebview | undefined;
        if (d && typeof d === 'object' && (d.type === 'report' || d.type === 'revealFinding')) listener(d);
      });
    },
  };
}
