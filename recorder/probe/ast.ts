/** Small helpers over ESTree nodes produced by acorn. */
export type Node = { type: string; start: number; end: number; [key: string]: any };

export const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
export const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as Node).type === 'string';
}

/**
 * Child nodes in source order (read-only: shared by every caller). The instrumenter walks a
 * file's tree several times over (await groups, loops, bindings, names, sites), and the tree is
 * not changed while it does: each node's list is made once.
 */
export function children(node: Node): readonly Node[] {
  // Kept on the node itself (a `__` key, which childList skips): a WeakMap of every node of a
  // large file made the garbage collector's work grow with it.
  return (node.__children as Node[] | undefined) ??= childList(node);
}

const NONE: Node[] = [];

function childList(node: Node): Node[] {
  const out: Node[] = [];
  for (const key in node) {
    if (key === 'type' || key === 'start' || key === 'end' || key.startsWith('__')) continue;
    const v = node[key];
    if (Array.isArray(v)) for (const x of v) { if (isNode(x)) out.push(x); }
    else if (isNode(v)) out.push(v);
  }
  if (out.length === 0) return NONE;
  // Mostly in source order already (acorn's keys follow the syntax): sorted only when not.
  for (let i = 1; i < out.length; i++) if (out[i - 1].start > out[i].start) return out.sort((a, b) => a.start - b.start);
  return out;
}

/** Visits every node below `node` without entering nested functions (their awaits are theirs). */
export function walkOwn(node: Node, visit: (n: Node, parent: Node) => void | false): void {
  for (const c of children(node)) {
    if (visit(c, node) === false) continue;
    if (!FUNCTION_TYPES.has(c.type)) walkOwn(c, visit);
  }
}

/** Names bound by a pattern (`a`, `{ a, b: [c] }`, `...rest`, `x = 1`). */
export function patternNames(p: Node | null | undefined, out: string[] = []): string[] {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier': out.push(p.name); break;
    case 'ObjectPattern': for (const prop of p.properties) patternNames(prop.type === 'RestElement' ? prop.argument : prop.value, out); break;
    case 'ArrayPattern': for (const el of p.elements) patternNames(el, out); break;
    case 'RestElement': patternNames(p.argument, out); break;
    case 'AssignmentPattern': patternNames(p.left, out); break;
    // `this.config = …` writes what a later `this.connect()` or `this.config.url` reads: `this` is its name.
    case 'MemberExpression': { const root = rootIdentifier(p) ?? (memberRoot(p).type === 'ThisExpression' ? 'this' : undefined); if (root) out.push(root); break; }
  }
  return out;
}

/** The object a chain of members starts from (`a` for `a.b[c].d`, `this` for `this.x.y`). */
function memberRoot(n: Node): Node {
  while (n.type === 'MemberExpression') n = n.object;
  return n;
}

/** `a` for `a.b[c].d`, or undefined. */
export function rootIdentifier(n: Node): string | undefined {
  const root = memberRoot(n);
  return root.type === 'Identifier' ? root.name : undefined;
}

/** A callee as transpilers write an imported function's call, `(0, f)(…)`, taken for `f`; any other callee as it is. */
export function directCallee(callee: Node): Node {
  return callee.type === 'SequenceExpression' && callee.expressions.length === 2 ? callee.expressions[1] : callee;
}

/** The value of an object literal's property named `name` (not computed), or undefined. */
export function propertyNamed(obj: Node | undefined, name: string): Node | undefined {
  if (obj?.type !== 'ObjectExpression') return undefined;
  for (const p of obj.properties) if (p.type === 'Property' && !p.computed && (p.key.name ?? p.key.value) === name) return p.value;
  return undefined;
}

/** The name a call (or `new`) calls, or a callee itself: `f` for `f()`, `m` for `a.b.m()`; '' for a computed one. */
export function calleeName(n: Node): string {
  if (n.type === 'CallExpression' || n.type === 'NewExpression') n = n.callee;
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'MemberExpression' && !n.computed) return n.property.name;
  return '';
}

/**
 * An await, or a `yield` that stands for one: in an async function a compiler lowered to a
 * generator (TypeScript below ES2017: `__awaiter(this, …, function* () { const a = yield getA(); })`;
 * esbuild's `__async`, Babel's and SWC's `_asyncToGenerator`), each `yield` is the source's
 * `await`. The instrumenter marks those yields (`downleveledAwait`) before anything reads them.
 */
export function isAwait(n: Node | null | undefined): boolean {
  return !!n && (n.type === 'AwaitExpression' || (n.type === 'YieldExpression' && n.downleveledAwait === true));
}

/** Helpers that run a generator as an async function: `helper(…, function* () { … })`. */
const ASYNC_HELPERS = /^(__awaiter|__async|_asyncToGenerator|_async_to_generator|asyncToGenerator)$/;

/** Whether `fn`, a child of `parent`, is a generator a compiler made of an async function (see isAwait). */
export function isDownleveledAsync(fn: Node, parent: Node): boolean {
  if (fn.type !== 'FunctionExpression' || !fn.generator || fn.async) return false;
  if (parent.type !== 'CallExpression' || !parent.arguments.includes(fn)) return false;
  const callee = directCallee(parent.callee);
  // Babel's runtime helper through CommonJS interop: `(0, _asyncToGenerator2.default)(function* () {…})`.
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'default') {
    return callee.object.type === 'Identifier' && /^_?asyncToGenerator\d*$/.test(callee.object.name);
  }
  return ASYNC_HELPERS.test(calleeName(callee));
}

/** Identifiers read anywhere inside `node` (including nested functions: closures read too), and `this` as one. */
export function readNames(node: Node | null | undefined, out = new Set<string>()): Set<string> {
  if (!node) return out;
  const visit = (n: Node, parent: Node | null): void => {
    if (n.type === 'ThisExpression') { out.add('this'); return; }
    if (n.type === 'Identifier') {
      const isPropKey = parent && ((parent.type === 'MemberExpression' && parent.property === n && !parent.computed)
        || (parent.type === 'Property' && parent.key === n && !parent.computed && !parent.shorthand)
        || (parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === n && !parent.computed);
      if (!isPropKey) out.add(n.name);
      return;
    }
    for (const c of children(n)) visit(c, n);
  };
  visit(node, null);
  return out;
}

/** Names assigned (=, +=, ++, destructuring) inside `node`, not entering nested functions. */
export function writtenNames(node: Node, out = new Set<string>()): Set<string> {
  const visit = (n: Node) => {
    if (n.type === 'AssignmentExpression') for (const name of patternNames(n.left)) out.add(name);
    else if (n.type === 'UpdateExpression') { const r = n.argument.type === 'Identifier' ? n.argument.name : rootIdentifier(n.argument); if (r) out.add(r); }
    else if ((n.type === 'ForOfStatement' || n.type === 'ForInStatement') && n.left.type !== 'VariableDeclaration') for (const name of patternNames(n.left)) out.add(name);
  };
  visit(node);
  walkOwn(node, (n) => { visit(n); });
  return out;
}

/** Names declared with let/const directly or nested in blocks inside `node` (fresh per iteration of an enclosing loop). */
export function blockScopedNames(node: Node, out = new Set<string>()): Set<string> {
  walkOwn(node, (n) => {
    if (n.type === 'VariableDeclaration' && n.kind !== 'var') for (const d of n.declarations) for (const name of patternNames(d.id)) out.add(name);
  });
  return out;
}

export function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}
