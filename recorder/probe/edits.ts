/**
 * Text insertions applied in one pass. At the same offset, closing text goes before opening
 * text; closings of inner constructs come before outer ones and openings of outer constructs
 * before inner ones, so nested wrappers nest correctly.
 */
interface Insertion { at: number; text: string; closing: boolean; depth: number; seq: number }

const IDENT = /[\p{ID_Continue}$]/u;

export class Edits {
  private readonly list: Insertion[] = [];

  start(at: number, text: string, depth: number): void {
    this.list.push({ at, text, closing: false, depth, seq: this.list.length });
  }

  end(at: number, text: string, depth: number): void {
    this.list.push({ at, text, closing: true, depth, seq: this.list.length });
  }

  apply(src: string): string {
    const sorted = [...this.list].sort((a, b) =>
      a.at - b.at
      || (a.closing === b.closing ? 0 : a.closing ? -1 : 1)
      || (a.closing ? b.depth - a.depth : a.depth - b.depth)
      || a.seq - b.seq);
    let out = '';
    let last = 0;
    for (const ins of sorted) {
      out += src.slice(last, ins.at);
      // Compact code (`await(0,f)(x)`, `return(…)`): never glue an identifier to a keyword.
      out += IDENT.test(out.charAt(out.length - 1)) && IDENT.test(ins.text.charAt(0)) ? ' ' + ins.text : ins.text;
      last = ins.at;
    }
    return out + src.slice(last);
  }
}
