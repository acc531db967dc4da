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
  /**
   * Bindings of imported modules a transpiler made, by name, each with its module's short name:
   * esbuild's `var import_x = __toESM(require("x"))`, vite's (vitest's) SSR form
   * `const __vite_ssr_import_0__ = await __vite_ssr_import__("node:fs", …)`.
   */
  private readonly bindings = new Map<string, string>();
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

  /** The text of `node`, with transpilers' import references and `(0, f)` call forms as written in the source. */
  text(node: Node): string {
    const whole = this.src.slice(node.start, node.end);
    if (this.bindings.size === 0 && !/(^|\()\s*0\s*,/.test(whole)) return whole; // nothing rewritten in there: no walk of the subtree
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
      return this.viteCallee(n) ?? this.text(n.expressions[1]);
    }
    if (n.type !== 'MemberExpression' || n.computed || n.object.type !== 'Identifier' || !this.bindings.has(n.object.name)) return undefined;
    const name: string = n.property.name;
    const written = this.originalIdentifier(n.start, name);
    if (written) return written;
    const module = this.bindings.get(n.object.name)!;
    if (name === 'default') return module;
    return MODULE_PREFIXED.test(module) ? `${module}.${name}` : name;
  }

  /**
   * vite writes a call of a named import, `rfs(u)`, as `(0,__vite_ssr_import_1__.readFileSync)(u)`:
   * its map maps the start of that replacement (the opening parenthesis), not the member inside.
   */
  private viteCallee(seq: Node): string | undefined {
    const m = seq.expressions[1];
    if (m.type !== 'MemberExpression' || m.computed || m.object.type !== 'Identifier' || !m.object.name.startsWith('__vite_ssr_import_') || !this.bindings.has(m.object.name)) return undefined;
    if (this.originalIdentifier(m.start, m.property.name)) return undefined; // the member maps itself
    const open = this.src.lastIndexOf('(', seq.start);
    return open >= 0 && /^\(\s*$/.test(this.src.slice(open, seq.start)) ? this.originalIdentifier(open, m.property.name) : undefined;
  }

  /**
   * The identifier at the original position of generated `offset`, if the map maps exactly that
   * position; followed by `.member` where the source reads so there (a namespace import:
   * `fs.readFileSync` became `__vite_ssr_import_0__.readFileSync`, mapped to `fs`).
   */
  private originalIdentifier(offset: number, member: string): string | undefined {
    if (!this.map) return undefined;
    const { line, column } = this.pos(offset);
    let segment: readonly number[] | null;
    try { segment = traceSegment(this.map, line - 1, column); } catch { return undefined; }
    if (!segment || segment.length < 4 || segment[0] !== column) return undefined;
    const lines = this.linesOf(segment[1]);
    const text = lines?.[segment[2]]?.slice(segment[3]);
    const id = text ? IDENTIFIER.exec(text)?.[0] : undefined;
    if (!id) return undefined;
    const after = text!.slice(id.length);
    return id !== member && after.startsWith(`.${member}`) && !/^[\p{ID_Continue}$]/u.test(after.slice(member.length + 1)) ? `${id}.${member}` : id;
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
 * The bindings transpilers make for imported modules, each with its module's short name (see
 * moduleName), at the top level or in a top-level IIFE (tsx wraps CommonJS output in one):
 * - esbuild: `var import_x = __toESM(require("x"))` or `= require("x")`;
 * - tsc: `const fs_1 = require("fs")`, `= __importDefault(require("x"))`, `= __importStar(…)`;
 * - babel: `var _fs = _interopRequireDefault(require("fs"))` (or `…Wildcard`), or
 *   `var _fs = require("fs")` when the name is babel's for that module;
 * - vite (vitest): `const __vite_ssr_import_0__ = await __vite_ssr_import__("x", …)` (the probe
 *   hides that await from the instrumenter as `void  __vite_ssr_import__(…)`: testRunnerHooks.ts).
 * A program's own `const fs = require("fs")` is none of these: its name is as written.
 */
function collectImportBindings(ast: Node, out: Map<string, string>): void {
  const scan = (body: Node[]) => {
    for (const stmt of body) {
      if (stmt.type === 'VariableDeclaration') {
        for (const d of stmt.declarations) {
          if (d.id.type !== 'Identifier') continue;
          const module = bindingModule(d.id.name, d.init);
          if (module !== undefined) out.set(d.id.name, module);
        }
      } else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'CallExpression' && stmt.expression.arguments.length === 0) {
        const fn = stmt.expression.callee;
        if ((fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') && fn.body.type === 'BlockStatement') scan(fn.body.body);
      }
    }
  };
  scan(ast.body);
}

/** The short name of the module `name = init` binds, if it is one of a transpiler's bindings (see collectImportBindings). */
function bindingModule(name: string, init: Node | null): string | undefined {
  if (name.startsWith('__vite_ssr_import_')) {
    const call = init && (init.type === 'AwaitExpression' || (init.type === 'UnaryExpression' && init.operator === 'void')) ? init.argument : undefined;
    const spec = call?.type === 'CallExpression' && call.callee.type === 'Identifier' && call.callee.name === '__vite_ssr_import__' ? literal(call.arguments[0]) : undefined;
    return spec === undefined ? undefined : moduleName(spec);
  }
  const required = requiredModule(init);
  if (!required) return undefined;
  const [spec, wrapper] = required;
  if (name.startsWith('import_')) return wrapper === undefined || /^__to(ESM|CommonJS)$/.test(wrapper) ? moduleName(spec) : undefined;
  if (/_\d+$/.test(name)) return wrapper === undefined || /^__import(Default|Star)$/.test(wrapper) ? moduleName(spec) : undefined;
  if (name.startsWith('_') && (wrapper ? /^_interopRequire(Default|Wildcard)$/.test(wrapper) : name === babelName(spec))) return moduleName(spec);
  return undefined;
}

/**
 * `require("x")`, or one wrapper call around it: [the specifier, the wrapper's name]. The wrapper
 * may be a helper module's (`tslib_1.__importDefault(…)`, tsc's `importHelpers`).
 */
function requiredModule(n: Node | null): [string, string | undefined] | undefined {
  if (!n || n.type !== 'CallExpression') return undefined;
  const callee = n.callee.type === 'Identifier' ? n.callee.name
    : n.callee.type === 'MemberExpression' && !n.callee.computed && n.callee.property.type === 'Identifier' ? n.callee.property.name : undefined;
  if (callee === undefined) return undefined;
  if (callee === 'require' && n.callee.type === 'Identifier') { const spec = literal(n.arguments[0]); return spec === undefined ? undefined : [spec, undefined]; }
  const inner = requiredModule(n.arguments[0] ?? null);
  return inner && inner[1] === undefined ? [inner[0], callee] : undefined;
}

function literal(n: Node | undefined): string | undefined {
  return n?.type === 'Literal' && typeof n.value === 'string' ? n.value : undefined;
}

/** `"node:fs/promises"` → "promises"; `"./lib.js"` → "lib"; `"p-limit"` → "p_limit". */
function moduleName(spec: string): string {
  const last = spec.replace(/^node:/, '').split('/').filter(Boolean).pop() ?? spec;
  return last.replace(/\.[cm]?[jt]sx?$/, '').replace(/[^\p{ID_Continue}$]/gu, '_');
}

/** babel's binding name for a module: `"node:fs"` → "_nodeFs", `"p-limit"` → "_pLimit", `"./lib"` → "_lib". */
function babelName(spec: string): string {
  const words = spec.replace(/^[./]+/, '').split(/[^\p{ID_Continue}$]+/u).filter(Boolean);
  return '_' + words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
}
