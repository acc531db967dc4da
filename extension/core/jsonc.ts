/** Parses JSON with comments and trailing commas (launch.json). Two passes, both string-aware. */
export function parseJsonc(text: string): unknown {
  return JSON.parse(dropTrailingCommas(stripComments(text)));
}

/** Copies a string literal starting at `i` into `out`; returns the index after it. */
function copyString(text: string, i: number, out: string[]): number {
  const start = i;
  for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
  out.push(text.slice(start, i + 1));
  return i + 1;
}

function stripComments(text: string): string {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === '"') i = copyString(text, i, out);
    else if (text.startsWith('//', i)) { while (i < text.length && text[i] !== '\n') i++; }
    else if (text.startsWith('/*', i)) { const close = text.indexOf('*/', i + 2); i = close < 0 ? text.length : close + 2; out.push(' '); }
    else out.push(text[i++]);
  }
  return out.join('');
}

function dropTrailingCommas(text: string): string {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === '"') { i = copyString(text, i, out); continue; }
    if (text[i] === ',') {
      let j = i + 1;
      while (j < text.length && ' \t\r\n'.includes(text[j])) j++;
      if (text[j] === '}' || text[j] === ']') { i++; continue; }
    }
    out.push(text[i++]);
  }
  return out.join('');
}
