/**
 * The CLI's own process: Node warnings about the recorder's internals are not the program's.
 * chrome-remote-interface parses each inspector's ws:// address with url.parse(), which Node 24
 * deprecates (DEP0169) for code outside node_modules; bundled into dist/, ours is outside it when
 * the CLI runs from a checkout or the VS Code extension's folder. The warning then came out in
 * the terminal among the program's own output (a run's stderr differed from a plain run's:
 * cli/testRunners.test.mjs on Node 24). Only that warning is dropped, and only in the CLI's
 * process: never in the program's, nor in the extension host's (shared with other extensions).
 */
export const CDP_CLIENT_DEPRECATION = 'DEP0169';

export function hideCdpClientDeprecation(): void {
  const emit = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    // emitWarning(warning, type, code, ctor) or emitWarning(warning, { type, code, … })
    const options = rest[0];
    const code = options !== null && typeof options === 'object' ? (options as { code?: unknown }).code : rest[1];
    if (code === CDP_CLIENT_DEPRECATION) return;
    Reflect.apply(emit, this, [warning, ...rest]);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
}
