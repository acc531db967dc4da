import { Parser } from 'acorn';
import { Node, FUNCTION_TYPES, LOOP_TYPES, children, rootIdentifier, isAwait, isDownleveledAsync, calleeName, directCallee } from './ast';
import { Edits } from './edits';
import { findAwaitGroups, connectionNames } from './awaitGroups';
import { loopVerdict } from './loopIndependence';
import { ModuleBindings, moduleBindingsOf } from './moduleBindings';
import { SourceNames } from './sourceNames';
import { bundledDependencies } from './bundledDependencies';
import { functionsHandedByName } from './handedByName';
import { awaitsOwnPromise } from './ownPromises';
import type { RawSite, RawLoop, RawGroup, SiteKind } from '../../analyzer/raw';

/**
 * Instruments one user file at load time. Every await of an async function is wrapped so the
 * probe runtime (`__cl$`, see runtime.ts) learns when it started, when the operand had been
 * evaluated and when it resumed; sync I/O and thread-pool calls are timed or counted; loops
 * whose iterations are independent mark their iterations. No newline is ever inserted, so
 * line numbers of the output are those of the input.
 *
 * Ids of sites, loops and groups share one numbering, local to the file. The output's first
 * statement hands the tables to the runtime (`__cl$.load`), which returns the file's id base
 * (`__clS$`): so the transform is pure and works the same on the main thread, in workers and
 * on Node's ESM loader thread.
 */

export interface TransformInput {
  source: string;
  isModule: boolean;
  /** Absolute path, recorded in the table. */
  file: string;
  /** Source map of a TypeScript file's transpiled output, recorded in the table (unless `mapFile`). */
  map?: unknown;
  /** Where `map` was read from (a compiler's map beside its output): the table names it instead of holding it. */
  mapFile?: string;
  /** The file as the user wrote it, when `map` does not carry it (for labels in the user's names). */
  original?: string;
  /** `readFileSync`, `execSync`, … every *Sync export of fs, child_process, zlib, crypto. */
  syncNames: ReadonlySet<string>;
  /** Thread-pool backed async functions by module: fs, crypto, zlib, dns. */
  poolNames: ReadonlySet<string>;
  /** Leave alone what `map` places in node_modules (a bundle's dependencies), as their own files are (no --include-node-modules). */
  skipBundledDependencies?: boolean;
}

export interface SiteTable {
  file: string;
  map?: unknown;
  /** The map's file, read by the recorder (instead of `map`: a compiler's map beside its output). */
  mapFile?: string;
  /** Number of ids used (sites + loops + groups). */
  size: number;
  sites: RawSite[];
  loops: RawLoop[];
  groups: RawGroup[];
  /** Its async functions were compiled to state machines (ES5): their awaits could not be instrumented. */
  stateMachines?: true;
  /** functionEnds(): where the file's functions end, by the line they start on. */
  functionEnds?: number[];
}

export interface TransformOutput extends SiteTable {
  code: string;
}

const COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);
// Names in the emitted code, kept short: their meanings (and of the runtime's one-letter
// methods the emitted code calls) are tabled in runtime.ts's header comment.
const H = '__cl$';
const I = '__clI$';
const B = '__clS$';
const T = '__clT$';

export function instrument(input: TransformInput): TransformOutput | null {
  let ast: Node;
  try {
    ast = Parser.parse(input.source, {
      ecmaVersion: 'latest',
      sourceType: input.isModule ? 'module' : 'script',
      allowHashBang: true,
      allowReturnOutsideFunction: !input.isModule,
      locations: false,
    }) as unknown as Node;
  } catch {
    return null; // Not our business to report syntax errors: Node will, with its own message.
  }
  prepare(ast);
  const src = input.source;
  const lineStarts = computeLineStarts(src);
  const pos = (offset: number) => toLineColumn(lineStarts, offset);
  const edits = new Edits();
  const sites: RawSite[] = [];
  const loops: RawLoop[] = [];
  const groups: RawGroup[] = [];
  const bindings: ModuleBindings = moduleBindingsOf(ast);
  const moduleNames = new Set([...bindings.modules.keys(), ...bindings.functions.keys()]);
  const names = new SourceNames(ast, src, pos, input.map, input.original);
  const describe = (n: Node) => describeNode(n, names);
  const bundled = input.skipBundledDependencies && input.map != null ? bundledDependencies(input.map) : undefined;
  /** Whether `n` is a bundled dependency's code (bundledDependencies): not instrumented. */
  const inDependency = (n: Node): boolean => {
    if (!bundled) return false;
    const { line, column } = pos(n.start);
    return bundled(line - 1, column);
  };
  let nextId = 1;

  const addSite = (kind: SiteKind, node: Node, label: string, fn: number, extra: Partial<RawSite> = {}): RawSite => {
    const { line, column } = pos(node.start);
    const site: RawSite = { id: nextId++, kind, line, column, label, fn,
      group: 0, groupPos: 0, groupSize: 0, loop: 0, discarded: false, ...extra };
    sites.push(site);
    return site;
  };

  /** Per async function (or module with top-level await): its site and what it instruments. */
  interface FnScope { node: Node; site: number; awaits: Node[]; forAwaits: Node[]; loops: Map<Node, Node[]>; labels: Map<Node, string>; catches: Node[]; downleveled?: boolean }

  const needsInvocation = (scope: FnScope) => scope.awaits.length > 0 || scope.forAwaits.length > 0;

  // Pass 1: per function, collect its own awaits and the innermost loop of each.
  const scopes: FnScope[] = [];
  const awaitLoop = new Map<Node, Node>();
  const awaitParent = new Map<Node, Node>();
  const collect = (node: Node, scope: FnScope | null, loopStack: Node[], labelOf: Map<Node, string>) => {
    for (const c of children(node)) {
      if (FUNCTION_TYPES.has(c.type)) {
        // An async function, or one a compiler lowered to a generator (its yields are its awaits: isAwait).
        const downleveled = isDownleveledAsync(c, node);
        const inner: FnScope | null = (c.async || downleveled) && !inDependency(c) ? { node: c, site: 0, awaits: [], forAwaits: [], loops: new Map(), labels: new Map(), catches: [], downleveled } : null;
        if (inner) scopes.push(inner);
        collect(c, inner, [], new Map());
        continue;
      }
      if (scope?.downleveled && c.type === 'YieldExpression' && !c.delegate && c.argument) c.downleveledAwait = true;
      if (c.type === 'CatchClause' && scope) scope.catches.push(c);
      if (isAwait(c) && scope && !(scope === moduleScope && inDependency(c))) {
        scope.awaits.push(c);
        awaitParent.set(c, node);
        const loop = loopStack[loopStack.length - 1];
        if (loop) { awaitLoop.set(c, loop); if (!scope.loops.has(loop)) scope.loops.set(loop, []); scope.loops.get(loop)!.push(c); }
      }
      if (c.type === 'ForOfStatement' && c.await && scope && !inDependency(c)) scope.forAwaits.push(c);
      if (c.type === 'LabeledStatement' && LOOP_TYPES.has(c.body.type)) labelOf.set(c.body, c.label.name);
      if (LOOP_TYPES.has(c.type)) {
        if (scope && labelOf.has(c)) scope.labels.set(c, labelOf.get(c)!);
        collect(c, scope, [...loopStack, c], labelOf);
      } else collect(c, scope, loopStack, labelOf);
    }
  };
  const moduleScope: FnScope | null = input.isModule ? { node: ast, site: 0, awaits: [], forAwaits: [], loops: new Map(), labels: new Map(), catches: [] } : null;
  if (moduleScope) scopes.push(moduleScope);
  collect(ast, moduleScope, [], new Map());

  /** Whether an async function of the file has awaits of its own (awaitsOwnPromise). */
  const hasAwaits = (fn: Node) => scopes.some((sc) => sc.node === fn && sc.awaits.length > 0);

  // Pass 2: sites, groups, loops and the edits for each async function.
  for (const scope of scopes) {
    if (!needsInvocation(scope)) continue;
    const fnNode = scope.node;
    // A lowered async function's generator is named after the function it stands for (`getA` for `function getA() { return __awaiter(…, function* () {…}) }`).
    const named = scope.downleveled ? enclosingFunction(fnNode) ?? fnNode : fnNode;
    const fnSite = addSite('fn', fnNode, fnNode.type === 'Program' ? '(module)' : functionName(named, src), 0);
    scope.site = fnSite.id;
    const awaitSite = new Map<Node, RawSite>();
    for (const a of scope.awaits) {
      const arg = a.argument;
      const combinator = arg.type === 'CallExpression' && arg.callee.type === 'MemberExpression' && !arg.callee.computed
        && arg.callee.object.type === 'Identifier' && arg.callee.object.name === 'Promise' && COMBINATORS.has(arg.callee.property.name);
      const parent = awaitParent.get(a);
      const site = addSite(combinator ? 'combinator' : 'await', a, 'await ' + describe(arg), fnSite.id,
        { discarded: parent?.type === 'ExpressionStatement', ...(!combinator && awaitsNodeIo(arg, bindings) ? { io: true } : {}),
          ...(awaitsOwnPromise(arg, hasAwaits) ? { ownPromise: true } : {}) });
      awaitSite.set(a, site);
    }
    // Names holding one connection: its queries are neither gathered nor a loop's candidates.
    const connections = connectionNames(fnNode);
    for (const g of findAwaitGroups(fnNode, connections)) {
      const id = nextId++;
      const ids = g.awaits.map((a, i) => {
        const s = awaitSite.get(a)!;
        if (!g.chains) { s.group = id; s.groupPos = i; s.groupSize = g.awaits.length; return s.id; }
        // A group of chains: an await's position in it, and whether it goes on its chain (an await
        // of an await, `await (await fetch(u)).json()`, waits through the one inside it too).
        const chained = i > 0 && g.chains[i] === g.chains[i - 1] ? (a.start <= g.awaits[i - 1].start && g.awaits[i - 1].end <= a.end ? 'encloses' : 'continues') : undefined;
        s.chain = { group: id, pos: i, size: g.awaits.length, ...(chained ? { chained } : {}) };
        return s.id;
      });
      groups.push({ id, sites: ids, adjacent: g.adjacent, fn: fnSite.id, ...(g.chains ? { chains: g.chains } : {}) });
    }
    for (const [loop, awaits] of scope.loops) {
      const verdict = loopVerdict(loop, awaits, (a) => awaitParent.get(a)?.type === 'ExpressionStatement', scope.labels.get(loop), moduleNames, connections);
      const id = nextId++;
      const { line, column } = pos(loop.start);
      loops.push({ id, line, column, fn: fnSite.id, ...verdict });
      if (!verdict.independent) continue;
      for (const a of awaits) awaitSite.get(a)!.loop = id;
      const outer = loop; // a labelled loop keeps its label: wrap inside the label
      edits.start(outer.start, `{${H}.ls(${I},${B}+${id});`, depthOf(loop));
      edits.end(outer.end, `;${H}.le(${I},${B}+${id})}`, depthOf(loop));
      const body = loop.body;
      if (body.type === 'BlockStatement') edits.start(body.start + 1, `${H}.li(${I},${B}+${id});`, depthOf(loop) + 1);
      else { edits.start(body.start, `{${H}.li(${I},${B}+${id});`, depthOf(loop) + 1); edits.end(body.end, '}', depthOf(loop) + 1); }
    }
    for (const a of scope.awaits) {
      const s = awaitSite.get(a)!;
      const d = depthOf(a);
      // Arguments before the operand are evaluated before it: the await-start counter and the
      // start time (sampled invocations only) travel on the stack, so nesting needs no state.
      // The resumed value goes through the function's temporary (read at once: no other await
      // can come between) to `e`: as `e`'s argument, the call's receiver, callee and first
      // argument were evaluated before the await and kept across it in the suspended
      // function's registers (3-7 ns more per await: awaitCost --interleave). The temporary is
      // cleared as it is read (e's third argument), so that it never keeps a value alive that
      // the program let go of while the function waits at its next await.
      // An await that begins its statement (`await sleep(10)` on a line of its own) would begin it
      // with our `(`, and code written without semicolons would then call the line before it:
      // `log = []` + `(…)` is `[](…)`. `void 0,` first makes the statement begin with a keyword,
      // and leaves what the statement evaluates as it was.
      if (beginsStatement(a)) edits.start(a.start, 'void 0,', d - 0.5);
      edits.start(a.start, `(${T}=`, d);
      // `await (a, b)`: the operand is the sequence's value, kept whole in parentheses of its own.
      wrapValue(edits, a.argument, `${H}.${s.kind === 'combinator' ? 'o1' : 'o'}(${I},${B}+${s.id},++${H}.k,${I}.s&&${H}.n(),`, d + 1);
      edits.end(a.end, `,${H}.e(${I},${T},${T}=void 0))`, d);
      // Promise.all(x): hand the elements to the runtime (`w`), which counts the pending ones
      // as operations in flight until each settles. `__cl$.k` is read before x is evaluated.
      const iterable = s.kind === 'combinator' && a.argument.arguments.length === 1 ? a.argument.arguments[0] : null;
      if (iterable && iterable.type !== 'SpreadElement') {
        wrapValue(edits, iterable, `${H}.w(${I},${H}.k,`, d + 3);
      }
    }
    // `for await (… of x)`: each wait of the loop for its iterator's next result is an await of
    // the loop's site (runtime.ts, fa). Its iterable goes through the runtime, outside whatever
    // wraps it already (a call into a dependency: `for await (const page of client.pages())`).
    for (const c of scope.forAwaits) {
      const s = addSite('await', c, `for await (… of ${describe(c.right)})`, fnSite.id, { io: true });
      wrapValue(edits, c.right, `${H}.fa(${I},${B}+${s.id},`, depthOf(c.right) - 0.25);
    }
    // An await that rejected into a catch of this function is settled there: with no await after
    // it (`try { await fsp.access(p); return true } catch { return false }`), nothing else would,
    // and the runtime would count it in flight from then on.
    for (const c of scope.catches) edits.start(c.body.start + 1, `${H}.x(${I});`, depthOf(c.body) + 1);
    addInvocationPrologue(fnNode, fnSite.id, src, edits);
  }

  /** A call into a dependency that hands it work (handsWork), as visitCalls instruments it. */
  const isHandingCall = (c: Node) => !c.optional && !hasOptional(c.callee) && handsWork(c) && classifyCall(c.callee, bindings, input) === 'lib' && !inDependency(c);
  /** Functions of the file handed to such calls by name (`limit(getOne, n)`): only where a call into a dependency can be. */
  const byName = bindings.libraries.size > 0 ? functionsHandedByName(ast, isHandingCall) : new Map<string, Node>();
  for (const [name, f] of byName) {
    if (inDependency(f)) byName.delete(name);
    else for (const r of returnedValues(f)) wrapValue(edits, r, `${H}.t(${H}.k,`, depthOf(r) - 0.25);
  }

  // Sync I/O and thread-pool calls, anywhere in the file.
  /** Async functions compiled to state machines (ES5: tsc's `__generator`, regenerator): no await is left to instrument. */
  let stateMachines = false;
  /** `caller`: the 1-based line the innermost function around `node` starts at, 1 at top level (the module's own function). */
  const visitCalls = (node: Node, fnSite: number, caller: number) => {
    for (const c of children(node)) {
      const scope = FUNCTION_TYPES.has(c.type) ? scopes.find((s) => s.node === c) : undefined;
      if (c.type === 'CallExpression' && !stateMachines && isStateMachine(c)) stateMachines = true;
      if (c.type === 'CallExpression' && !c.optional && !hasOptional(c.callee)) {
        const kind = classifyCall(c.callee, bindings, input);
        if (kind && !inDependency(c)) {
          const site = addSite(kind, c, describe(c), fnSite, kind === 'lib' ? { callerLine: caller } : {});
          const d = depthOf(c);
          // A call's time starts once its arguments are evaluated: the last one's value passes
          // through a call of ours (m, a). `fs.writeFileSync(f, JSON.stringify(big))` blocks in
          // JSON.stringify, not in the write; `lib.send(await load())` waits in load(), not in
          // lib.send. Depth between the call's and its arguments': outside whatever wraps the
          // argument itself (an await, a call of ours).
          const last = c.arguments[c.arguments.length - 1];
          const value: Node | undefined = last?.type === 'SpreadElement' ? last.argument : last;
          if (kind === 'sync') {
            edits.start(c.start, `${H}.s(${B}+${site.id},${H}.n(),`, d);
            if (value) wrapValue(edits, value, `${H}.m(`, d + 0.5);
          } else if (kind === 'lib') {
            // Functions of this file handed to the dependency (`limit(() => fetch(u))`): what they
            // return is work it runs on the program's behalf (runtime.ts, lt and t).
            // Those handed by name (byName) had theirs wrapped once, whatever calls they go to.
            const hands = handsWork(c);
            const handed = hands ? c.arguments.filter((x: Node) => (x.type === 'ArrowFunctionExpression' || x.type === 'FunctionExpression') && !x.generator) : [];
            const named = hands && c.arguments.some((x: Node) => x.type === 'Identifier' && byName.has(x.name));
            // Outside what wraps the value itself (a call of ours around a dependency's call: t then
            // sees the handle lt marked), inside an async arrow's prologue (its function's depth + 0.5).
            for (const f of handed) for (const r of returnedValues(f)) wrapValue(edits, r, `${H}.t(${H}.k,`, depthOf(r) - 0.25);
            edits.start(c.start, `${H}.${handed.length > 0 || named ? 'lt' : 'l'}(${B}+${site.id},`, d);
            // With no argument, what is evaluated last before the call is its callee: its object
            // for a method (which keeps the call's `this`), else the function itself.
            const callee = c.callee.type === 'MemberExpression' ? c.callee.object : c.callee;
            wrapValue(edits, value ?? callee, `${H}.a(${B}+${site.id},`, d + 0.5);
          } else edits.start(c.start, `${H}.p(${B}+${site.id},`, d);
          edits.end(c.end, ')', d);
        }
      }
      const isFunction = FUNCTION_TYPES.has(c.type);
      visitCalls(c, scope ? scope.site : isFunction ? 0 : fnSite, isFunction ? pos(c.start).line : caller);
    }
  };
  visitCalls(ast, moduleScope?.site ?? 0, 1);

  const table: SiteTable = { file: input.file, ...(input.mapFile !== undefined ? { mapFile: input.mapFile } : { map: input.map }), size: nextId - 1, sites, loops, groups,
    ...(stateMachines ? { stateMachines: true } : {}) };
  // A file with nothing to instrument is left as it is, unless it has a source map (TypeScript a
  // loader compiled): its table still goes to the runtime, with no site, for the map, which the
  // analysis needs to place the file's CPU samples (positions in the compiled code) in the user's;
  // or unless its async functions are state machines, which the report says were not recorded.
  if (sites.length === 0 && input.map == null && !stateMachines) return { code: src, ...table };
  const ends = functionEnds(ast, pos, inDependency);
  if (ends.length > 0) table.functionEnds = ends;
  // The runtime must be on the global the file runs with: the probe installs it in every thread
  // it loads into, and in the vm contexts of the test runners whose files it instruments
  // (testRunnerHooks.ts). Instrumented code is never run without it.
  const prologue = prologueOffset(ast, src);
  // The table goes in as its JSON text, which the runtime parses and writes to the log as it is:
  // V8 compiles an object literal into code that builds it, and a large one costs (a file of
  // 3,000 async functions, 6,000 sites: ~100 ms to compile and run its table as a literal, ~10 ms
  // as JSON.parse of the same text), in every thread that loads the file, on every run.
  const tableText = JSON.stringify(JSON.stringify(table)).replace(/\u2028|\u2029/g, (c) => c === '\u2028' ? '\\u2028' : '\\u2029');
  edits.start(prologue.at /* before a top-level-await prologue at the same offset */,
    `${prologue.separator}var ${H}=globalThis[Symbol.for('concurrency-lens')],${B}=${H}.load(${tableText});`, -2);
  return { code: edits.apply(src), ...table };
}

/**
 * Where the file's functions end: pairs (line, last line), 1-based, by the line a function starts
 * on as V8 places it (its parameters: a CPU profile's frame), the last line of the longest one
 * starting there. V8 gives a function's CPU samples the lines of what it inlined from other
 * scripts too: a loop calling `performance.now()` read "blocked the event loop … in spin" at line
 * 139 of a 31-line file (Node's perf code), and a helper of another file gave its own lines. The
 * analysis leaves out a function's sampled lines outside it (analyzer/cpuSamples.ts). Columns are
 * not kept: instrumenting shifts them, never the lines.
 */
function functionEnds(ast: Node, pos: (offset: number) => { line: number }, inDependency: (n: Node) => boolean): number[] {
  const last = new Map<number, number>();
  const visit = (n: Node) => {
    for (const c of children(n)) {
      if (FUNCTION_TYPES.has(c.type) && !inDependency(c)) {
        const start = pos(c.type === 'ArrowFunctionExpression' ? c.start : (c.id?.end ?? c.start)).line;
        const end = pos(c.end).line;
        if (end > (last.get(start) ?? 0)) last.set(start, end);
      }
      visit(c);
    }
  };
  visit(ast);
  return [...last].sort((a, b) => a[0] - b[0]).flat();
}

/**
 * Passes an expression's value through a call of ours: `prefix` (`__cl$.m(`) before it, `)` after.
 * A sequence expression's own parentheses are outside its range (`f((a, b))`), so it gets its own.
 */
function wrapValue(edits: Edits, value: Node, prefix: string, depth: number): void {
  const seq = value.type === 'SequenceExpression';
  edits.start(value.start, seq ? `${prefix}(` : prefix, depth);
  edits.end(value.end, seq ? '))' : ')', depth);
}

// Depth for ordering insertions at the same offset: outer constructs wrap inner ones.
const depthCache = new WeakMap<Node, number>();
function depthOf(n: Node): number { return depthCache.get(n) ?? 0; }

/**
 * Where the helper binding goes: after a hashbang and the directive prologue, on the same line.
 * `separator` is ';' when it follows a directive: `'use strict'` may end without one (ASI).
 */
function prologueOffset(ast: Node, src: string): { at: number; separator: string } {
  let at = src.startsWith('#!') ? src.indexOf('\n') + 1 || src.length : 0;
  let separator = '';
  for (const stmt of ast.body as Node[]) {
    if (stmt.type === 'ExpressionStatement' && typeof stmt.directive === 'string') { at = stmt.end; separator = ';'; }
    else break;
  }
  return { at, separator };
}

function addInvocationPrologue(fn: Node, fnSite: number, src: string, edits: Edits): void {
  const decl = `const ${I}=${H}.f(${B}+${fnSite});let ${T};`;
  if (fn.type === 'Program') { edits.start(prologueOffset(fn, src).at, decl, -1); return; }
  const catchTail = `}catch(__clE$){${H}.x(${I});throw __clE$}`;
  const d = depthOf(fn);
  if (fn.body.type === 'BlockStatement') {
    let at = fn.body.start + 1;
    let separator = '';
    for (const stmt of fn.body.body as Node[]) {
      if (stmt.type === 'ExpressionStatement' && typeof stmt.directive === 'string') { at = stmt.end; separator = ';'; } else break;
    }
    edits.start(at, `${separator}${decl}try{`, d + 1);
    edits.end(fn.body.end - 1, catchTail, d + 1);
  } else {
    const afterParams = fn.params.length ? fn.params[fn.params.length - 1].end : fn.start;
    const arrow = src.indexOf('=>', afterParams);
    // `return(`: the body may begin on the next line (`async (x) =>` then `await get(x)`, as
    // Prettier breaks long arrows), and a bare `return` there would return undefined (ASI).
    // Between the function's depth and its body's: outside whatever wraps the body itself, which
    // may begin right at the arrow (`async()=>await get()`, as minifiers write it: the await's
    // `(__clT$=` went first, and the program failed to load with a SyntaxError).
    edits.start(arrow + 2, `{${decl}try{return(`, d + 0.5);
    edits.end(fn.end, `)${catchTail}}`, d + 0.5);
  }
}

/**
 * 'sync': a blocking call of fs/child_process/zlib/crypto; 'pool': an fs/crypto/zlib/dns call
 * that queues thread-pool work; 'lib': a call into a dependency (timed, so CPU work or sync I/O
 * done inside it can be located at this line of user code).
 */
function classifyCall(callee: Node, b: ModuleBindings, input: TransformInput): 'sync' | 'pool' | 'lib' | null {
  // Transpilers call imports as `(0, import_fs.readFileSync)(…)`.
  callee = directCallee(callee);
  if (callee.type === 'Identifier') {
    const f = b.functions.get(callee.name);
    if (f && input.syncNames.has(f)) return 'sync';
    if (f && input.poolNames.has(f)) return 'pool';
    return b.libraries.has(callee.name) ? 'lib' : null;
  }
  if (callee.type === 'MemberExpression') {
    const root = rootIdentifier(callee.object);
    if (root && b.libraries.has(root) && !(callee.property.type === 'Identifier' && input.syncNames.has(callee.property.name))) return 'lib';
  }
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return null;
  const name = callee.property.name;
  if (input.syncNames.has(name)) return 'sync';
  if (input.poolNames.has(name)) {
    const root = rootIdentifier(callee.object);
    if (root && b.modules.has(root)) return 'pool';
    if (callee.object.type === 'CallExpression' && callee.object.callee.type === 'Identifier' && callee.object.callee.name === 'require') return 'pool';
  }
  return null;
}

/**
 * Whether an await's operand is a call of Node's promise I/O or a timer's promise: `fetch(u)`,
 * `sleep(5)` (timers/promises), `fsp.readFile(f)`, `fs.promises.stat(f)`, `new Promise((r) =>
 * setTimeout(r, 5))`. Node settles such a promise, never the program's work: the await is never
 * the wrapper of work started after it (runtime.ts, demoteWrapper). p-map starts its mappers a
 * microtask apart, and each mapper's `await sleep(5)` was taken for the wrapper of the next one's:
 * 4 running read 3.
 */
function awaitsNodeIo(operand: Node, b: ModuleBindings): boolean {
  if (operand.type === 'NewExpression') return operand.callee.type === 'Identifier' && operand.callee.name === 'Promise' && setsTimer(operand.arguments[0]);
  if (operand.type !== 'CallExpression' || operand.optional) return false;
  const callee = directCallee(operand.callee);
  if (callee.type === 'Identifier') return callee.name === 'fetch' || b.nodeIo.functions.has(callee.name);
  if (callee.type !== 'MemberExpression' || callee.computed) return false;
  const root = rootIdentifier(callee.object);
  if (root === undefined) return false;
  if (b.nodeIo.modules.has(root) && callee.object.type === 'Identifier') return true;
  // `fs.promises.readFile(f)`, `dns.promises.lookup(h)`.
  const obj = callee.object;
  return obj.type === 'MemberExpression' && !obj.computed && obj.property.name === 'promises' && obj.object.type === 'Identifier' && /^(fs|dns)$/.test(b.modules.get(obj.object.name) ?? '');
}

/** A promise executor that sets a timer itself (`(r) => setTimeout(r, 5)`). */
function setsTimer(executor: Node | undefined): boolean {
  if (!executor || !FUNCTION_TYPES.has(executor.type)) return false;
  let timer = false;
  const visit = (c: Node) => {
    if (timer || FUNCTION_TYPES.has(c.type)) return;
    if (c.type === 'CallExpression' && c.callee.type === 'Identifier' && /^(setTimeout|setImmediate)$/.test(c.callee.name)) { timer = true; return; }
    for (const k of children(c)) visit(k);
  };
  visit(executor.body);
  return timer;
}

/**
 * Whether a call into a dependency is one the program hands work to, to run when the dependency
 * sees fit: a function of it or a method of what it made (`limit(fn)`, `queue.add(fn)`,
 * `pRetry(fn)`, `limiter.schedule(fn)`), not a promise's reaction (`axios.get(u).then((r) =>
 * r.data)`: the request is the operation, and its handle must stay one) nor a method of what a
 * call returned.
 */
function handsWork(call: Node): boolean {
  const callee = directCallee(call.callee);
  if (callee.type === 'Identifier') return true;
  return callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier'
    && !(callee.property.type === 'Identifier' && NOT_SCHEDULING.test(callee.property.name));
}

/**
 * Methods that run a function now, not when the dependency sees fit: a promise's reactions, and
 * an array's or iterator's (what a dependency returned, awaited, is often the program's data:
 * `const out = await pMap(…); out.map((i) => limit(…))`, whose map callbacks returned p-limit's
 * handles, read as 20 operations running).
 */
const NOT_SCHEDULING = /^(then|catch|finally|map|forEach|filter|reduce|reduceRight|some|every|find|findIndex|findLast|findLastIndex|flatMap|sort|toSorted)$/;

/**
 * What a function returns: an arrow's expression body, or the arguments of the return statements
 * of its own body (not of functions or classes inside it).
 */
function returnedValues(fn: Node): Node[] {
  if (fn.body.type !== 'BlockStatement') return [fn.body];
  const out: Node[] = [];
  const visit = (n: Node) => {
    for (const c of children(n)) {
      if (FUNCTION_TYPES.has(c.type) || c.type === 'ClassBody') continue;
      if (c.type === 'ReturnStatement' && c.argument) out.push(c.argument);
      visit(c);
    }
  };
  visit(fn.body);
  return out;
}

function hasOptional(n: Node): boolean {
  while (n.type === 'MemberExpression' || n.type === 'CallExpression') { if (n.optional) return true; n = n.type === 'MemberExpression' ? n.object : n.callee; }
  return false;
}

/** A label for an awaited expression or a call, in the user's own words (see SourceNames). */
function describeNode(n: Node, names: SourceNames): string {
  if (n.type === 'CallExpression' || n.type === 'NewExpression') {
    const callee = names.text(n.callee).replace(/\s+/g, ' ');
    return `${n.type === 'NewExpression' ? 'new ' : ''}${truncate(callee, 48)}()`;
  }
  return truncate(names.text(n).replace(/\s+/g, ' '), 48);
}

function truncate(s: string, n: number): string { return s.length > n ? s.slice(0, n - 1) + '…' : s; }

/**
 * An async function compiled for ES5: tsc's `__generator(this, function (_a) { switch (_a.label) … })`,
 * regenerator's `regeneratorRuntime.wrap(…)` / `_regeneratorRuntime().mark(…)`.
 */
function isStateMachine(call: Node): boolean {
  const callee = directCallee(call.callee);
  if (calleeName(callee) === '__generator') return true; // tslib's too: `tslib_1.__generator(…)`
  if (callee.type !== 'MemberExpression' || callee.computed || !/^(wrap|mark|async)$/.test(callee.property.name)) return false;
  const root = callee.object.type === 'CallExpression' ? callee.object.callee : callee.object;
  return root.type === 'Identifier' && /^_?regeneratorRuntime$/.test(root.name);
}

/** Whether `node` is the first token of an expression statement (`await x()`, `await a + b` as a statement). */
function beginsStatement(node: Node): boolean {
  for (let p = (node as any).__parent as Node | undefined; p && p.start === node.start; p = (p as any).__parent) {
    if (p.type === 'ExpressionStatement') return true;
  }
  return false;
}

/** The function `node` is inside, from the parent links (undefined at top level). */
function enclosingFunction(node: Node): Node | undefined {
  for (let p = (node as any).__parent as Node | undefined; p; p = (p as any).__parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return undefined;
}

function functionName(fn: Node, src: string): string {
  if (fn.id?.name) return fn.id.name;
  const parent = (fn as any).__parent as Node | undefined;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if ((parent?.type === 'Property' || parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition') && parent.key)
    return parent.key.type === 'Identifier' ? parent.key.name : src.slice(parent.key.start, parent.key.end);
  if (parent?.type === 'AssignmentExpression') return src.slice(parent.left.start, parent.left.end);
  return '(anonymous)';
}

function computeLineStarts(src: string): number[] {
  const starts = [0];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) { if (src.charCodeAt(i + 1) === 10) i++; starts.push(i + 1); }
    else if (c === 0x2028 || c === 0x2029) starts.push(i + 1);
  }
  return starts;
}

function toLineColumn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= offset) lo = mid; else hi = mid - 1; }
  return { line: lo + 1, column: offset - starts[lo] };
}

/** Sets `__parent` links and depths once per parse (used for names and edit ordering). */
export function prepare(ast: Node): void {
  const walk = (n: Node, d: number) => { depthCache.set(n, d); for (const c of children(n)) { (c as any).__parent = n; walk(c, d + 1); } };
  walk(ast, 0);
}
