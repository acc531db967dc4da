import { consumedSource } from './awaitGroups';
import { Node, LOOP_TYPES, FUNCTION_TYPES, children, readNames, writtenNames, blockScopedNames, intersects, patternNames, rootIdentifier, calleeName } from './ast';

/**
 * Decides whether the iterations of a loop that awaits could have run concurrently:
 * no iteration reads what an earlier one wrote (a pagination cursor, a retry flag), the loop
 * does not exit early (break/return: Promise.all would do work the loop never did), and none of
 * its awaits paces it on purpose (`await sleep(100)` after each call of a rate-limited API, or
 * `await new Promise((r) => setTimeout(r, 100))`): running its iterations together would undo
 * the pacing. Nor does a discarded await act on one thing that every iteration shares, in turn
 * (`await fh.write(line)`, `await fs.appendFile(log, line)`): together, the writes would
 * interleave or land out of order. Nor does an await take the next thing from one source
 * (`answers.push(await rl.question(q))`, `await reader.read()`), run on one connection
 * (`await client.query(…)` with `client = await pool.connect()`: it runs them in turn), or call
 * the iteration's own function (`await step(ctx)` over `steps`, `await m.up(db)` over
 * `migrations`: a pipeline). `for await` is never a candidate, nor is a loop beside code that
 * gathers the same call (gatheredElsewhere: the in-turn branch of a runner's concurrent or
 * sequential choice).
 */
export interface LoopVerdict { independent: boolean; reason: string }

const PACING = /sleep|delay|wait|timeout|throttle|backoff|retry|setTimeout|setImmediate/i;

/** `discarded(a)`: the await's value is thrown away (`await sleep(100);`). */
export function loopVerdict(loop: Node, awaits: Node[], discarded: (a: Node) => boolean, label?: string, modules: ReadonlySet<string> = new Set(), connections: ReadonlySet<string> = new Set()): LoopVerdict {
  if (loop.type === 'ForOfStatement' && loop.await) return { independent: false, reason: 'for await consumes a stream in order' };
  if (exitsEarly(loop.body, label)) return { independent: false, reason: 'the loop can exit early (break/return)' };
  const body = loop.body;
  const fresh = blockScopedNames(body);
  if (loop.type === 'ForOfStatement' || loop.type === 'ForInStatement') {
    if (loop.left.type === 'VariableDeclaration' && loop.left.kind !== 'var') for (const n of readNames(loop.left)) fresh.add(n);
  }
  const carried = new Set([...writtenNames(body)].filter((n) => !fresh.has(n)));
  const readsAcross = new Set<string>();
  for (const a of awaits) readNames(a.argument, readsAcross);
  if (loop.type === 'ForStatement') { readNames(loop.test, readsAcross); }
  if (loop.type === 'WhileStatement' || loop.type === 'DoWhileStatement') readNames(loop.test, readsAcross);
  if (intersects(carried, readsAcross)) {
    const names = [...carried].filter((n) => readsAcross.has(n));
    return { independent: false, reason: `each iteration needs ${names.join(', ')} from the one before` };
  }
  if (loop.type === 'WhileStatement' || loop.type === 'DoWhileStatement') {
    // A while loop whose condition nothing in the body changes is a counter loop or infinite: only flag with a counter written in the body.
    if (!intersects(readNames(loop.test), writtenNames(body))) return { independent: false, reason: 'the loop condition does not depend on the body' };
  }
  if (awaits.some((a) => discarded(a) && isPacing(a.argument))) return { independent: false, reason: 'an await paces the loop on purpose' };
  const varying = new Set([...fresh, ...carried, ...headNames(loop)]);
  for (const a of awaits) {
    if (callsEachInTurn(a.argument, varying)) return { independent: false, reason: 'each iteration runs a different step in turn (steps, hooks, migrations, plugins)' };
    const source = a.argument.type === 'CallExpression' ? consumedSource(a.argument, connections) : undefined;
    if (source !== undefined && !varying.has(source.split('.')[0])) {
      return { independent: false, reason: connections.has(source) ? `each iteration runs on the one connection ${source}` : `each iteration takes the next thing from ${source}` };
    }
    const target = discarded(a) ? orderedTarget(a.argument, varying, modules) : undefined;
    if (target !== undefined) return { independent: false, reason: `each iteration acts on ${target} in turn: together, the effects would interleave or reorder` };
  }
  // `await Promise.all(batch)` per iteration is batching: concurrency bounded on purpose.
  if (awaits.some((a) => isCombinator(a.argument))) return { independent: false, reason: 'each iteration already gathers a batch' };
  if (gatheredElsewhere(loop, awaits)) return { independent: false, reason: 'the code beside it gathers the same call: running them in turn here is its choice' };
  return { independent: true, reason: '' };
}

/**
 * The loop is the in-turn choice of code that also gathers the same call: it sits in a branch of
 * an `if` whose other branch, or an `if` before it in the same block, runs the awaited function
 * under Promise.all/allSettled/race/any (vitest's runner: `if (group[0].concurrent) await
 * Promise.all(group.map((c) => limit(() => runSuiteChild(c)))) else for (const c of group) await
 * runSuiteChild(c)`; `if (opts.parallel) return Promise.all(files.map(lint))`, then the loop). Its
 * author knows the concurrent form and chose order here (tests of a suite run one at a time).
 */
function gatheredElsewhere(loop: Node, awaits: Node[]): boolean {
  const names = new Set(awaits.map((a) => calleeName(a.argument)).filter((n) => n !== ''));
  if (names.size === 0) return false;
  for (let child: Node = loop, p: Node | undefined = loop.__parent; p && !FUNCTION_TYPES.has(p.type); child = p, p = p.__parent) {
    if (p.type === 'IfStatement') {
      const other = child === p.consequent ? p.alternate : child === p.alternate ? p.consequent : null;
      if (other && gathers(other, names)) return true;
    }
    const statements: Node[] | undefined = p.type === 'BlockStatement' || p.type === 'Program' ? p.body : p.type === 'SwitchCase' ? p.consequent : undefined;
    for (const st of statements ?? []) {
      if (st === child) break;
      if (st.type === 'IfStatement' && gathers(st.consequent, names)) return true;
    }
  }
  return false;
}

/** Whether `n` holds a Promise.all/allSettled/race/any whose argument names one of `names` (called, or passed: `files.map(lint)`). */
function gathers(n: Node, names: ReadonlySet<string>): boolean {
  if (isCombinator(n)) return n.arguments.some((a: Node) => namesAny(a, names));
  return children(n).some((c) => gathers(c, names));
}

/** Whether an identifier in `n` (a property's name included) is one of `names`. */
function namesAny(n: Node, names: ReadonlySet<string>): boolean {
  return n.type === 'Identifier' ? names.has(n.name) : children(n).some((c) => namesAny(c, names));
}

function isCombinator(n: Node): boolean {
  return n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && !n.callee.computed
    && n.callee.object.type === 'Identifier' && n.callee.object.name === 'Promise' && /^(all|allSettled|race|any)$/.test(n.callee.property.name);
}

/** `sleep(100)`, `timers.setTimeout(100)`, `delay(…)`, or a promise whose executor sets a timer (`new Promise((r) => setTimeout(r, 100))`). */
function isPacing(n: Node): boolean {
  if (PACING.test(calleeName(n))) return true;
  if (n.type !== 'NewExpression' || n.callee.type !== 'Identifier' || n.callee.name !== 'Promise') return false;
  const executor = n.arguments[0];
  if (!executor || !FUNCTION_TYPES.has(executor.type)) return false;
  let timer = false;
  const visit = (c: Node) => {
    if (timer) return;
    if (c.type === 'CallExpression' && /^(setTimeout|setImmediate)$/.test(calleeName(c))) { timer = true; return; }
    for (const k of children(c)) visit(k);
  };
  visit(executor.body);
  return timer;
}

/** Names the loop's head binds or updates (`for (let i = 0; …; i++)`, `for (var x of xs)`): they differ between iterations. */
function headNames(loop: Node): Set<string> {
  const out = new Set<string>();
  if (loop.type === 'ForStatement') {
    if (loop.init?.type === 'VariableDeclaration') for (const d of loop.init.declarations) for (const n of patternNames(d.id)) out.add(n);
    if (loop.update) writtenNames(loop.update, out);
  }
  if (loop.type === 'ForOfStatement' || loop.type === 'ForInStatement') {
    const left = loop.left.type === 'VariableDeclaration' ? loop.left.declarations[0].id : loop.left;
    for (const n of patternNames(left)) out.add(n);
  }
  return out;
}

/** Methods by which one of a list of steps acts on what it is given: a migration's `up(db)`, a plugin's `register(app)`. */
const STEP_METHODS = /^(up|down|migrate|apply|register|install|setup|init|initialize|run|execute|exec|handle|process|use|mount|load|boot|seed|invoke|call)$/;

/**
 * The awaited call's function is the iteration's own (`for (const step of steps) await step(ctx)`,
 * `await hooks[i]()`), or the iteration's item is a step run on something every iteration shares
 * (`for (const m of migrations) await m.up(db)`, `await plugin.register(app)`): a pipeline,
 * whose order is usually the point. `await item.save()` and `await file.upload(bucket)` are not.
 */
function callsEachInTurn(n: Node, varying: Set<string>): boolean {
  if (n.type !== 'CallExpression') return false;
  const callee = n.callee;
  if (callee.type === 'Identifier') return varying.has(callee.name);
  if (callee.type !== 'MemberExpression') return false;
  if (callee.computed) return intersects(readNames(callee.property), varying);
  const item = rootIdentifier(callee.object);
  if (item === undefined || !varying.has(item) || !STEP_METHODS.test(callee.property.name)) return false;
  return n.arguments.some((a: Node) => {
    if (a.type === 'SpreadElement' || a.type === 'Literal') return false;
    const names = readNames(a);
    return names.size > 0 && !intersects(names, varying);
  });
}

/** Writes to a handle, a stream or a socket: in turn, they land in order. */
const WRITES = /^(write\w*|append\w*|send\w*|end|truncate|sync|datasync|flush)$/;

/**
 * What a discarded await acts on when that is the same thing in every iteration, else undefined:
 * the first argument of a Node I/O module's function (`fs.appendFile(log, line)`), the handle a
 * write goes to (`fh.write(line)`, `socket.send(msg)`). Its effects depend on their order.
 */
function orderedTarget(n: Node, varying: Set<string>, modules: ReadonlySet<string>): string | undefined {
  if (n.type !== 'CallExpression') return undefined;
  const invariant = (x: Node) => !intersects(readNames(x), varying);
  const callee = n.callee;
  const root = callee.type === 'MemberExpression' ? rootIdentifier(callee.object) : callee.type === 'Identifier' ? callee.name : undefined;
  const first = n.arguments[0];
  if (root !== undefined && modules.has(root)) {
    return first && first.type !== 'SpreadElement' && invariant(first) ? 'the same path' : undefined;
  }
  if (callee.type === 'MemberExpression' && !callee.computed && WRITES.test(callee.property.name) && invariant(callee.object)) {
    return root ?? 'the same handle';
  }
  return undefined;
}


/** True if `node` holds a break/return that leaves the loop (or a labelled break/continue to outside). */
function exitsEarly(node: Node, label: string | undefined): boolean {
  let found = false;
  const visit = (n: Node, depthLoopOrSwitch: number) => {
    if (found || FUNCTION_TYPES.has(n.type)) return;
    // (A yield hands each item to the consumer; it does not end the loop early.)
    if (n.type === 'ReturnStatement') { found = true; return; }
    if (n.type === 'BreakStatement') {
      if (n.label ? n.label.name === label || label === undefined : depthLoopOrSwitch === 0) { found = true; return; }
      if (n.label) { found = true; return; } // breaking to an outer label leaves this loop too
    }
    const nested = LOOP_TYPES.has(n.type) || n.type === 'SwitchStatement';
    for (const c of children(n)) visit(c, depthLoopOrSwitch + (nested ? 1 : 0));
  };
  visit(node, 0);
  return found;
}

