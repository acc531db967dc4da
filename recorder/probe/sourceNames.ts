/**
 * Code text as the user wrote it, for labels of code a transpiler rewrote. esbuild's CommonJS
 * output (ours for TypeScript, tsx's) refers to imports through the module object it bound:
 * `import axios from 'axios'` makes `axios.get()` read `import_axios.default.get()`, and
 * `pLimit(2)` read `(0, import_p_limit.default)(2)`. The source map points each such reference
 * at the name in the original file, which is what the label shows. Without a map (or an exact
 * mapping) the reference shows as the import's own name.
 */
import { TraceMap, AnyMap, traceSegment } from '@jridgewell/trace-mapping';
import { Node, children } from './ast';

export interface Position { line: number; column: number }

/** Known module objects a named import is shown on when no map says otherwise (`fs.readFileSync`). */
const MODULE_PREFIXED = /^(fs|promises|path|os|crypto|zlib|child_process|http|https|dns|util)$/;
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/u;

export class SourceNames {
  /** esbuild's bindings of imported modules: `var import_x = __toESM(require("x"))`. */
  private readonly bindings = new Set<string>();
  private readonly map: TraceMap | null = null;
  private readonly sourceLines = new Map<number, string[] | null>();

  /**
   * `original`: the file as the user wrote it, for a map without `sourcesContent` (tsx's) that
   * maps a single source, the file itself.
   */
  constructor(ast: Node, private readonly src: string, private readonly pos: (offset: number) => Position, map?: unknown,
    private readonly original?: string) {
    collectImportBindings(ast, this.bindings);
    if (map && this.bindings.size) {
      try { this.map = new AnyMap(map as any) as unknown as TraceMap; } catch { this.map = null; }
    }
  }

  /** The text of `node`, with esbuild's import references and `(0, f)` call forms as written in the source. */
  text(node: Node): string {
    const whole = this.src.slice(node.start, node.end);
    if (!/\bimport_|\(\s*0\s*,/.test(whole)) return whole; // nothing rewritten in there: no walk of the subtree
    const parts: string[] = [];
    let at = node.start;
    const visit = (n: Node) => {
      const replacement = this.replacement(n);
      if (replacement !== undefined) {
        // `(0, f)` loses its parentheses with the `0, ` (acorn's node excludes them).
        let [from, to] = [n.start, n.end];
        if (n.type === 'SequenceExpression') {
          const open = this.src.slice(at, from).search(/\(\s*$/);
          const close = /^\s*\)/.exec(this.src.slice(to, node.end));
          if (open >= 0 && close) { from = at + open; to += close[0].length; }
        }
        parts.push(this.src.slice(at, from), replacement);
        at = to;
        return;
      }
      for (const c of children(n)) visit(c);
    };
    visit(node);
    parts.push(this.src.slice(at, node.end));
    return parts.join('');
  }

  private replacement(n: Node): string | undefined {
    // `(0, f)(…)`: calls an import without a `this` (esbuild, tsc).
    if (n.type === 'SequenceExpression' && n.expressions.length === 2 && n.expressions[0].type === 'Literal' && n.expressions[0].value === 0) {
      return this.text(n.expressions[1]);
    }
    if (n.type !== 'MemberExpression' || n.computed || n.object.type !== 'Identifier' || !this.bindings.has(n.object.name)) return undefined;
    const written = this.originalIdentifier(n.start);
    if (written) return written;
    const module = n.object.name.slice('import_'.length);
    const name: string = n.property.name;
    if (name === 'default') return module;
    return MODULE_PREFIXED.test(module) ? `${module}.${name}` : name;
  }

  /** The identifier at the original position of generated `offset`, if the map maps exactly that position. */
  private originalIdentifier(offset: number): string | undefined {
    if (!this.map) return undefined;
    const { line, column } = this.pos(offset);
    let segment: readonly number[] | null;
    try { segment = traceSegment(this.map, line - 1, column); } catch { return undefined; }
    if (!segment || segment.length < 4 || segment[0] !== column) return undefined;
    const lines = this.linesOf(segment[1]);
    const text = lines?.[segment[2]]?.slice(segment[3]);
    return text ? IDENTIFIER.exec(text)?.[0] : undefined;
  }

  private linesOf(source: number): string[] | null {
    let lines = this.sourceLines.get(source);
    if (lines === undefined) {
      const map = this.map as unknown as { sources: unknown[]; sourcesContent?: (string | null)[] };
      const content = map.sourcesContent?.[source] ?? (map.sources.length === 1 ? this.original : undefined);
      lines = typeof content === 'string' ? content.split(/\r\n?|\n|\u2028|\u2029/) : null;
      this.sourceLines.set(source, lines);
    }
    return lines;
  }
}

/**
 * `var import_x = __toESM(require("x"))` or `= require("x")`: esbuild's import bindings, at the
 * top level or in a top-level IIFE (tsx wraps CommonJS output in one).
 */
function collectImportBindings(ast: Node, out: Set<string>): void {
  const scan = (body: Node[]) => {
    for (const stmt of body) {
      if (stmt.type === 'VariableDeclaration') {
        for (const d of stmt.declarations) {
          if (d.id.type === 'Identifier' && d.id.name.startsWith('import_') && isRequire(d.init)) out.add(d.id.name);
        }
      } else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'CallExpression' && stmt.expression.arguments.length === 0) {
        const fn = stmt.expression.callee;
        if ((fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') && fn.body.type === 'BlockStatement') scan(fn.body.body);
      }
    }
  };
  scan(ast.body);
}

function isRequire(n: Node | null): boolean {
  if (!n || n.type !== 'CallExpression' || n.callee.type !== 'Identifier') return false;
  if (/^__to(ESM|CommonJS)$/.test(n.callee.name)) return isRequire(n.arguments[0]);
  return n.callee.name === 'require' && n.arguments[0]?.type === 'Literal';
}
