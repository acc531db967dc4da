/** A stack frame as V8 prints it: url (path or file: URL), 1-based line and column. */
export interface Frame { url: string; line: number; column: number }

/** `at fn (LOCATION)` or `at LOCATION`, where LOCATION is `path:line:column`. */
const FRAME = /^at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** The innermost frame of the current stack that is user code (not node internals, not the probe). */
export function userFrame(probePath: string): Frame | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  Error.captureStackTrace(holder, userFrame);
  Error.stackTraceLimit = limit;
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const url = m[1];
    if (!url.startsWith('/') && !url.startsWith('file://') && !/^[A-Za-z]:\\/.test(url)) continue;
    if (url.startsWith('node:') || url === probePath || url.includes('/node_modules/')) continue;
    return { url: url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
