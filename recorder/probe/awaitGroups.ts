import { Node, patternNames, readNames, writtenNames, intersects, walkOwn, calleeName, isAwait, propertyNamed } from './ast';
import { changesState } from './stateChanges';

/**
 * Sequential-await groups: runs of two or more statement-level awaits in one statement list
 * whose operands start new work (a call) and read nothing the earlier awaits of the run
 * produced, directly or through the statements in between; and runs of independent chains of
 * awaits, each await of a chain using the one before (scanChains). Such awaits could have been
 * gathered with Promise.all (a chain as one element). Conservative by design (never gather what
 * one chain needs from another):
 *  - an await whose result is discarded (`await mkdir(d);`) ends a run: it may order side effects;
 *  - any control flow (if, loop, return, try) between awaits ends a run;
 *  - an operand that is not a call (`await pending`) is work started earlier: not a candidate;
 *  - an await that takes something to hold (a lock, semaphore or connection: `acquire()`,
 *    `connect()`, a transaction's `begin()`, or a result whose release is called later in the
 *    list, `release()` / `client.release()`) orders what follows: it is never gathered;
 *  - two awaits that take the next thing from one source (a prompt's answer, a stream reader's
 *    next chunk, an iterator's next value, a queue's next message: `rl.question()` twice,
 *    `reader.read()` twice, or two of the user's prompts) get their results in the order they
 *    ran: the second is never gathered with the first. Nor are two queries on one connection
 *    (`connectionNames`): it would run them one at a time all the same;
 *  - an await of a call that changes state (`api.post()`, `INSERT`, `fetch(url, { method: 'PUT' })`:
 *    `changesState`) orders the awaits around it, which may read that state: it is never gathered.
 */
export interface AwaitGroup {
  /** The await nodes (or the yields that stand for them: isAwait), in order. */
  awaits: Node[];
  /** The statements holding them (for the quick fix: adjacent when `adjacent`). */
  statements: Node[];
  adjacent: boolean;
  /**
   * For a group of chains (scanChains): the chain of each await, 0, 1, …, in the order of `awaits`
   * (each chain's awaits together). Absent when each await is a chain of its own.
   */
  chains?: number[];
}

/**
 * A statement that awaits: `await` is its outermost await; `awaits` every await it runs, in the
 * order they resume (`[inner, outer]` for `const user = await (await fetch(u)).json()`, a chain
 * of its own; else `[await]`).
 */
interface Candidate { await: Node; awaits: Node[]; bound: string[]; statement: Node }

function candidate(stmt: Node): Candidate | null {
  // `export const users = await getUsers();` in an ES module: the declaration is the statement.
  if (stmt.type === 'ExportNamedDeclaration' && stmt.declaration?.type === 'VariableDeclaration') {
    const c = candidate(stmt.declaration);
    return c && { ...c, statement: stmt };
  }
  let target: Node | null = null;
  let value: Node | null = null;
  if (stmt.type === 'VariableDeclaration' && stmt.declarations.length === 1) {
    target = stmt.declarations[0].id; value = stmt.declarations[0].init;
  } else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'AssignmentExpression' && stmt.expression.operator === '=') {
    target = stmt.expression.left; value = stmt.expression.right;
  }
  if (!target || !value || !isAwait(value)) return null;
  const arg = value.argument;
  if (arg.type !== 'CallExpression' && arg.type !== 'NewExpression') return null;
  const inner = ownAwaits(arg);
  if (inner.length === 0) return { await: value, awaits: [value], bound: patternNames(target), statement: stmt };
  // One await inside, whose operand starts new work and holds none: `await (await fetch(u)).json()`.
  const first = inner[0];
  if (inner.length > 1 || first.type !== 'AwaitExpression' || (first.argument.type !== 'CallExpression' && first.argument.type !== 'NewExpression') || containsAwait(first.argument)) return null;
  return { await: value, awaits: [first, value], bound: patternNames(target), statement: stmt };
}

function ownAwaits(n: Node): Node[] {
  const out: Node[] = [];
  walkOwn(n, (c) => { if (c.type === 'AwaitExpression' || c.type === 'YieldExpression') out.push(c); });
  return out;
}

/** Calls that take something to hold until released: what follows runs under it, in order. */
const ACQUIRE = /^(acquire\w*|lock|tryLock|connect|getConnection|checkout|begin\w*|startTransaction|transaction|startSession|take|enter)$/i;
/** Methods that give back what an acquisition took. */
const RELEASE = /^(release|unlock|done|commit|rollback|abort\w*|end|close|destroy|endSession)$/i;

/**
 * The candidate takes a lock, semaphore, connection or transaction: its callee says so, or what
 * it bound is called (`release()`) or released (`client.release()`) later in the list.
 */
function acquires(c: Candidate, rest: Node[]): boolean {
  const name = calleeName(c.await.argument);
  if (name && ACQUIRE.test(name)) return true;
  if (c.bound.length === 0) return false;
  const bound = new Set(c.bound);
  let released = false;
  for (const stmt of rest) {
    const visit = (n: Node) => {
      if (n.type !== 'CallExpression') return;
      const f = n.callee;
      if (f.type === 'Identifier' && bound.has(f.name)) released = true;
      if (f.type === 'MemberExpression' && !f.computed && f.object.type === 'Identifier' && bound.has(f.object.name) && RELEASE.test(f.property.name)) released = true;
    };
    visit(stmt);
    walkOwn(stmt, visit);
  }
  return released;
}

/**
 * Methods that take the next thing a source gives: called twice on one source, the second gets
 * what follows the first. A prompt names its question; the others name nothing, or only how
 * much (`read()`, `it.next()`, `stream.read(1024)`): `store.read('a')` reads by key.
 */
const ASKS = /^(question|prompt|ask)$/;
const TAKES_NEXT = /^(read|readLine|readline|next|receive|recv|shift|pop|dequeue|nextMessage)$/;
/** The source of a prompt called bare: the user (not a name a program can bind). */
export const THE_USER = '(the user)';
/** Interactive prompts called bare: each waits for the user's answer, asked after the one before. */
const PROMPTS = /^(prompt|question|ask|confirm|password)$/;
/** @inquirer/prompts' prompts (`await input({ message: 'Name?' })`): known by their options' `message`. */
const INQUIRER_PROMPTS = /^(input|select|checkbox|editor|expand|rawlist|search|number)$/;

/** `rl`, `this.rl`, `process.stdin`: a member path's key, or undefined for computed members and calls. */
function pathKey(n: Node): string | undefined {
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'ThisExpression') return 'this';
  if (n.type === 'MemberExpression' && !n.computed) {
    const o = pathKey(n.object);
    return o === undefined ? undefined : `${o}.${n.property.name}`;
  }
  return undefined;
}

/** Calls that hand out one database connection, transaction or session: what runs on it runs one call at a time. */
const CONNECTION = /^(connect|getConnection|acquire|checkout|transaction|beginTransaction|startTransaction|startSession)$/;
/** Parameters that name a transaction given to a callback (`$transaction(async (tx) => …)`, knex's `trx`). */
const CONNECTION_PARAM = /^(tx|trx|transaction|conn|connection)$/;

/** `trx` for `trx('users').where(…)`, `tx` for `tx.user`: the name a chain of members and calls starts from. */
function chainRoot(n: Node): string | undefined {
  while (n.type === 'MemberExpression' || n.type === 'CallExpression') n = n.type === 'MemberExpression' ? n.object : n.callee;
  return n.type === 'Identifier' ? n.name : undefined;
}

/**
 * Names that hold one connection in `fn`: bound by an awaited acquisition (`const client = await
 * pool.connect()`, `const trx = await knex.transaction()`) or a parameter named as a transaction.
 * A connection runs its queries one at a time (pg's and mysql2's clients queue them; an
 * interactive transaction is one connection): Promise.all over two of them would only queue them.
 */
export function connectionNames(fn: Node): Set<string> {
  const out = new Set<string>();
  if (fn.type !== 'Program') for (const p of fn.params ?? []) if (p.type === 'Identifier' && CONNECTION_PARAM.test(p.name)) out.add(p.name);
  walkOwn(fn.type === 'Program' ? fn : fn.body, (n) => {
    if (n.type !== 'VariableDeclarator' || n.id.type !== 'Identifier' || !isAwait(n.init)) return;
    const callee = n.init.argument.callee;
    if (callee?.type === 'MemberExpression' && !callee.computed && CONNECTION.test(callee.property.name)) out.add(n.id.name);
  });
  return out;
}

/**
 * The source a call takes its next thing from (`rl` for `rl.question()`, the user for `prompt()`),
 * or the connection it runs on (`client` for `client.query()`, one of `connections`), or undefined.
 */
export function consumedSource(call: Node, connections: ReadonlySet<string> = new Set()): string | undefined {
  const callee = call.callee;
  if (callee?.type === 'MemberExpression' && !callee.computed) {
    const name = callee.property.name;
    const first = call.arguments[0];
    if (ASKS.test(name) || (TAKES_NEXT.test(name) && (!first || (first.type === 'Literal' && typeof first.value === 'number')))) return pathKey(callee.object);
  }
  if (callee?.type === 'MemberExpression' && connections.size > 0) {
    const root = chainRoot(callee.object);
    if (root !== undefined && connections.has(root)) return root;
  }
  if (callee?.type !== 'Identifier') return undefined;
  if (PROMPTS.test(callee.name)) return THE_USER;
  const options = call.arguments[0];
  const asks = propertyNamed(options, 'message') !== undefined;
  return INQUIRER_PROMPTS.test(callee.name) && asks ? THE_USER : undefined;
}

function containsAwait(n: Node): boolean {
  let found = false;
  walkOwn(n, (c) => { if (c.type === 'AwaitExpression' || c.type === 'YieldExpression') found = true; });
  return found;
}

const STATEMENT_LISTS: Record<string, string> = { BlockStatement: 'body', Program: 'body', StaticBlock: 'body', SwitchCase: 'consequent' };

/** Finds the groups in every statement list of `fn` (a function node or the Program for top-level await); `connections`: connectionNames(fn). */
export function findAwaitGroups(fn: Node, connections: ReadonlySet<string> = connectionNames(fn)): AwaitGroup[] {
  const groups: AwaitGroup[] = [];
  const lists: Node[][] = [];
  const root = fn.type === 'Program' ? fn : fn.body;
  if (STATEMENT_LISTS[root.type]) lists.push(root[STATEMENT_LISTS[root.type]]);
  walkOwn(root, (n) => { const key = STATEMENT_LISTS[n.type]; if (key) lists.push(n[key]); });
  // An await may be in a plain group and in a group of chains (`r1 = await fetch(a); user = await
  // r1.json(); r2 = await fetch(b)`: the plain group `r1.json()`, `fetch(b)`, and the chains): both
  // are measured, and the analysis reports the chains only where they would save more.
  for (const list of lists) {
    scanList(list, groups, connections);
    scanChains(list, groups, connections);
  }
  // `[await a(), await b()]`, `f(await a(), await b())`: evaluated left to right, one after
  // another, and no element can use another's result.
  const scanElements = (elements: (Node | null)[]) => {
    let run: Node[] = [];
    let sources = new Set<string>();
    const close = () => { if (run.length >= 2) groups.push({ awaits: run, statements: [], adjacent: false }); run = []; sources = new Set(); };
    for (const el of elements) {
      if (el && isAwait(el) && (el.argument.type === 'CallExpression' || el.argument.type === 'NewExpression') && !containsAwait(el.argument) && !changesState(el.argument)) {
        const source = consumedSource(el.argument, connections);
        if (source !== undefined && sources.has(source)) close();
        run.push(el);
        if (source !== undefined) sources.add(source);
      } else close();
    }
    close();
  };
  if (root.type === 'ArrayExpression') scanElements(root.elements);
  walkOwn(root, (n) => {
    if (n.type === 'ArrayExpression') scanElements(n.elements);
    else if (n.type === 'CallExpression' || n.type === 'NewExpression') scanElements(n.arguments);
  });
  return groups;
}

function scanList(list: Node[], groups: AwaitGroup[], connections: ReadonlySet<string>): void {
  let run: Candidate[] = [];
  let tainted = new Set<string>();
  let sources = new Set<string>();
  let adjacent = true;
  /** A plain statement came after the run's last await: the next await to join is not adjacent. */
  let gap = false;
  const close = () => {
    if (run.length >= 2) groups.push({ awaits: run.map((c) => c.await), statements: run.map((c) => c.statement), adjacent });
    run = []; tainted = new Set(); sources = new Set(); adjacent = true; gap = false;
  };
  for (let i = 0; i < list.length; i++) {
    const stmt = list[i];
    const found = candidate(stmt);
    // A statement of two awaits is a chain of its own (scanChains).
    const c = found?.awaits.length === 1 ? found : null;
    if (c && (acquires(c, list.slice(i + 1)) || changesState(c.await.argument))) { close(); continue; }
    if (c) {
      const reads = readNames(c.await.argument);
      const source = consumedSource(c.await.argument, connections);
      const dependsOnRun = intersects(reads, tainted) || c.bound.some((b) => tainted.has(b)) || (source !== undefined && sources.has(source));
      if (dependsOnRun) close();
      if (gap) adjacent = false;
      gap = false;
      run.push(c);
      if (source !== undefined) sources.add(source);
      // The quick fix rewrites plain declarations only.
      if (stmt.type === 'ExportNamedDeclaration') adjacent = false;
      for (const b of c.bound) tainted.add(b);
      continue;
    }
    const plain = (stmt.type === 'VariableDeclaration' || stmt.type === 'ExpressionStatement' || stmt.type === 'EmptyStatement') && !containsAwait(stmt);
    if (!plain || run.length === 0) { close(); continue; }
    // A plain statement after an await of the run: whatever it computes from the run's results is tainted too.
    gap = true;
    if (intersects(readNames(stmt), tainted)) {
      for (const w of writtenNames(stmt)) tainted.add(w);
      if (stmt.type === 'VariableDeclaration') for (const d of stmt.declarations) for (const n of patternNames(d.id)) tainted.add(n);
    }
  }
  close();
}

/**
 * One statement list's groups of chains. A run is a sequence of chains (`Segment`s): each chain's first await
 * reads nothing the run's earlier chains produced, and each later await of a chain reads only
 * what its own chain produced (`const r1 = await fetch(a); const user = await r1.json(); const r2
 * = await fetch(b); const prefs = await r2.json()`: two chains, which Promise.all could run
 * together, each as one element). An await that reads an earlier chain's results, or several
 * chains', ends the run. A run of two or more chains, one of them of two awaits or more, is a
 * group (when each is one await, the run is a plain group: scanList's).
 */
function scanChains(list: Node[], groups: AwaitGroup[], connections: ReadonlySet<string>): void {
  let run: Segment[] = [];
  let sources = new Set<string>();
  const close = () => {
    // Chains of one await each are scanList's groups.
    if (run.length >= 2 && run.some((seg) => seg.candidates.length > 1 || seg.candidates[0].awaits.length > 1)) {
      const cands = run.flatMap((seg) => seg.candidates);
      // The quick fix gathers one await per statement: a chain has no such rewrite (adjacent: false).
      groups.push({ awaits: cands.flatMap((c) => c.awaits), statements: cands.map((c) => c.statement), adjacent: false,
        chains: run.flatMap((seg, i) => seg.candidates.flatMap((c) => c.awaits.map(() => i))) });
    }
    run = []; sources = new Set();
  };
  for (let i = 0; i < list.length; i++) {
    const stmt = list[i];
    const c = candidate(stmt);
    if (c && (acquires(c, list.slice(i + 1)) || changesState(c.await.argument) || (c.awaits.length > 1 && changesState(c.awaits[0].argument)))) { close(); continue; }
    if (c) {
      const reads = readNames(c.await.argument);
      const source = consumedSource(c.await.argument, connections) ?? (c.awaits.length > 1 ? consumedSource(c.awaits[0].argument, connections) : undefined);
      const uses = (seg: Segment) => intersects(reads, seg.tainted) || c.bound.some((b) => seg.tainted.has(b));
      const used = run.filter(uses);
      // It continues the last chain (reads only what that one produced), or starts a chain of its own.
      const continues = used.length === 1 && used[0] === run[run.length - 1];
      if ((used.length > 0 && !continues) || (source !== undefined && sources.has(source))) close();
      if (continues && run.length > 0) run[run.length - 1].candidates.push(c);
      else run.push({ candidates: [c], tainted: new Set() });
      if (source !== undefined) sources.add(source);
      for (const b of c.bound) run[run.length - 1].tainted.add(b);
      continue;
    }
    const plain = (stmt.type === 'VariableDeclaration' || stmt.type === 'ExpressionStatement' || stmt.type === 'EmptyStatement') && !containsAwait(stmt);
    if (!plain || run.length === 0) { close(); continue; }
    // A plain statement after an await of the run: whatever it computes from a chain's results is that chain's too.
    const reads = readNames(stmt);
    const used = run.filter((seg) => intersects(reads, seg.tainted));
    if (used.length > 1) { close(); continue; } // it joins chains: what follows may use both
    if (used.length === 1) {
      for (const w of writtenNames(stmt)) used[0].tainted.add(w);
      if (stmt.type === 'VariableDeclaration') for (const d of stmt.declarations) for (const n of patternNames(d.id)) used[0].tainted.add(n);
    }
  }
  close();
}

/** A chain of a run: its statements' candidates, and the names they bound or computed from what they bound. */
interface Segment { candidates: Candidate[]; tainted: Set<string> }
