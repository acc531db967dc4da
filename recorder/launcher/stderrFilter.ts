/**
 * Node prints its inspector's own status lines to the program's stderr ("Debugger
 * attached.", …). They are ours, not the program's: this filter removes exactly those lines
 * and passes everything else through at once (a partial line is held back only while it
 * could still become one of them).
 */
const NOISE = [
  /^Debugger listening on ws:\/\/\S+$/,
  /^For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector$/,
  /^Debugger attached\.$/,
  /^Waiting for the debugger to disconnect\.\.\.$/,
];
const PREFIXES = ['Debugger listening on ', 'For help, see: ', 'Debugger attached.', 'Waiting for the debugger to disconnect...'];

export class StderrFilter {
  private pending = '';

  constructor(private readonly out: (text: string) => void) {}

  push(chunk: string): void {
    let text = this.pending + chunk;
    this.pending = '';
    let kept = '';
    for (;;) {
      const nl = text.indexOf('\n');
      if (nl < 0) break;
      const line = text.slice(0, nl).replace(/\r$/, '');
      if (!NOISE.some((re) => re.test(line))) kept += text.slice(0, nl + 1);
      text = text.slice(nl + 1);
    }
    if (text && PREFIXES.some((p) => p.startsWith(text) || text.startsWith(p))) this.pending = text;
    else kept += text;
    if (kept) this.out(kept);
  }

  end(): void {
    if (this.pending && !NOISE.some((re) => re.test(this.pending))) this.out(this.pending);
    this.pending = '';
  }
}
