import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { instrument, TransformOutput } from './transform';
import { ProbeRuntime } from './runtime';

const syncNames = new Set(['readFileSync', 'existsSync', 'execSync']);
const poolNames = new Set(['readFile', 'pbkdf2']);

function transform(source: string, isModule = false): TransformOutput {
  const out = instrument({ source, file: '/app/x.js', isModule, syncNames, poolNames });
  assert.ok(out, 'source should parse');
  return out;
}

/** Runs (instrumented or plain) CommonJS-style source in a fresh context with a real runtime; returns its exports. */
async function run(source: string): Promise<{ result: unknown; runtime: ProbeRuntime }> {
  const runtime = new ProbeRuntime(1000, () => undefined, () => undefined);
  const context = vm.createContext({ module: { exports: {} as any }, setTimeout, Promise, Symbol, console });
  vm.runInContext('globalThis', context)[Symbol.for('concurrency-lens')] = runtime;
  vm.runInContext(source, context);
  const result = await (context as any).module.exports();
  return { result, runtime };
}

function groupLines(out: TransformOutput): number[][] {
  return out.groups.map((g) => g.sites.map((id) => out.sites.find((s) => s.id === id)!.line));
}


/** The helpers compilers run a lowered async function with: tsc's (below ES2017), esbuild's, Babel's. */
const AWAITER = `var __awaiter = function (thisArg, _arguments, P, generator) { return new (P || (P = Promise))(function (resolve, reject) { function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } } function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } } function step(result) { result.done ? resolve(result.value) : Promise.resolve(result.value).then(fulfilled, rejected); } step((generator = generator.apply(thisArg, _arguments || [])).next()); }); };`;
const ESBUILD_ASYNC = `var __async = (__this, __arguments, generator) => new Promise((resolve, reject) => { var fulfilled = (value) => { try { step(generator.next(value)); } catch (e) { reject(e); } }; var rejected = (value) => { try { step(generator.throw(value)); } catch (e) { reject(e); } }; var step = (x) => x.done ? resolve(x.value) : Promise.resolve(x.value).then(fulfilled, rejected); step((generator = generator.apply(__this, __arguments)).next()); });`;
const BABEL_ASYNC = `function _asyncToGenerator(fn) { return function () { var self = this, args = arguments; return new Promise(function (resolve, reject) { var gen = fn.apply(self, args); function step(key, arg) { try { var info = gen[key](arg); } catch (e) { reject(e); return; } if (info.done) resolve(info.value); else Promise.resolve(info.value).then((v) => step('next', v), (e) => step('throw', e)); } step('next'); }); }; }`;

describe('instrument: behaviour is unchanged', () => {
  const programs: Record<string, string> = {
    'values and order of awaits': `module.exports = async () => { const log = []; const a = await Promise.resolve(1); log.push(a); const b = await (async () => { await null; return a + 1; })(); log.push(b); return log; };`,
    'rejections caught inside and outside': `module.exports = async () => { let out = ''; try { await Promise.reject(new Error('x')); } catch (e) { out += e.message; } const f = async () => { await null; throw new Error('y'); }; try { await f(); } catch (e) { out += e.message; } return out + (await 'z'); };`,
    'arrow with object body and nested awaits': `const g = async (x) => ({ v: await x, w: await (await Promise.resolve(async () => 2))() }); module.exports = async () => g(1);`,
    'strict mode directive is kept': `'use strict'; module.exports = async function () { 'use strict'; await null; return (function () { return this === undefined; })(); };`,
    'loops: labelled, break, continue, for await': `module.exports = async () => { const out = []; outer: for (const i of [1, 2, 3]) { for (const j of [1, 2]) { if (j === 2) continue outer; out.push(await (i * j)); } } for await (const v of [Promise.resolve(7)]) out.push(v); let k = 0; while (k < 3) { k++; out.push(await k); } do out.push(await 0); while (false); return out; };`,
    'async generators': `async function* gen() { for (const i of [1, 2]) yield await i; } module.exports = async () => { const out = []; for await (const v of gen()) out.push(v); return out; };`,
    'if without braces around a loop': `module.exports = async () => { const out = []; if (true) for (const x of [1, 2]) out.push(await x); else out.push(0); return out; };`,
    'Promise combinators over arrays, sets, generators and thenables': `module.exports = async () => { let thens = 0; const thenable = { then(r) { thens++; r(5); } }; function* gen() { yield Promise.resolve(3); yield 4; } const a = await Promise.all([Promise.resolve(1), 2, thenable]); const b = await Promise.all(new Set([Promise.resolve(1)])); const c = await Promise.race(gen()); const d = await Promise.allSettled([Promise.reject(new Error('no'))]); const e = await Promise.any([Promise.reject(1), Promise.resolve(9)]); return [a, b, c, d[0].status, e, thens]; };`,
    'directives without semicolons (ASI style)': `'use strict'\nconst one = 1\nmodule.exports = async function () {\n  'use strict'\n  const a = await Promise.resolve(1)\n  return [a, (function () { return this === undefined })()]\n}`,
    'async functions tsc lowered to generators (__awaiter)': `${AWAITER}\nfunction getA(x) { return __awaiter(this, void 0, void 0, function* () { const v = yield Promise.resolve(x); return v * 2; }); }\nmodule.exports = () => __awaiter(void 0, void 0, void 0, function* () { const a = yield getA(1); const b = yield getA(2); let t = 0; for (const i of [1, 2, 3]) t += yield getA(i); try { yield Promise.reject(new Error('no')); } catch (e) { t += e.message.length; } return [a, b, t]; });`,
    'a rejected await caught, with no await after it (settled in the catch, not counted in flight)': `async function exists(p) { try { await Promise.reject(new Error(p)); return true; } catch { return false; } }\nmodule.exports = async () => { let n = 0; for (let i = 0; i < 5; i++) if (!(await exists('x' + i))) n++; try { await Promise.reject(1); } catch (e) { n += e; } return n; };`,
    "esbuild's __async and Babel's _asyncToGenerator": `${ESBUILD_ASYNC}\n${BABEL_ASYNC}\nconst one = () => __async(this, null, function* () { return (yield Promise.resolve(1)) + 1; });\nconst two = _asyncToGenerator(function* (n) { const x = yield one(); return x + n; });\nmodule.exports = () => __async(this, null, function* () { return [yield one(), yield two(5)]; });`,
    'no semicolons: awaits that begin their statement, after lines that would call them (StandardJS style)': `const f = (x) => x\nmodule.exports = async function () {\n  const log = []\n  await Promise.resolve(1)\n  log.push(1)\n  const g = f\n  await g(2)\n  let n = 0\n  if (log.length) await Promise.resolve(n++)\n  const t = \`x\`\n  await n + 1\n  for (const i of [1, 2]) await Promise.resolve(i)\n  return [log, n, t]\n}`,
    'an async arrow whose body begins on the next line (as Prettier breaks long arrows)': `const g = async (x) => x * 2\nconst f = async (x) =>\n  (await g(x)) + 1\nconst h = async () =>\n  ({ a: await g(1), b: await f(1) })\nmodule.exports = async () => [await f(1), await h()]`,
    'an await of a comma expression (its value is the last one)': `module.exports = async () => { let n = 0; const v = await (n++, Promise.resolve(7)); const w = await Promise.all((n++, [1, 2])); return [v, w, n]; };`,
    'functions handed to a dependency: their values, returns and awaits': `function require() { return (fn, ...args) => new Promise((res, rej) => Promise.resolve().then(() => fn(...args)).then(res, rej)); }\nconst limit = require('p-limit');\nmodule.exports = async () => { const a = await Promise.all([1, 2, 3].map((n) => limit(() => Promise.resolve(n * 2)))); const b = await limit(function (x) { if (x) return Promise.resolve('x'); const f = () => 1; return 'y' + f(); }, 0); const c = await Promise.all([limit(async () => { const v = await Promise.resolve(4); return v; }), limit(() => ({ o: 1 })), limit(() => (0, Promise.resolve(5)))]); return [a, b, c]; };`,
    'functions handed to a dependency by name': `function require() { return (fn, ...args) => new Promise((res, rej) => Promise.resolve().then(() => fn(...args)).then(res, rej)); }\nconst limit = require('p-limit');\nfunction twice(n) { if (n > 2) return Promise.resolve(n * 2); return n * 2; }\nconst later = async (n) => { const v = await Promise.resolve(n); return v + 1; };\nmodule.exports = async () => [await Promise.all([1, 2, 3].map((n) => limit(twice, n))), await limit(later, 4)];`,
    'for await: async generators, a break that closes the iterator, a rejection caught, arrays of promises': `async function* gen(log) { try { for (const i of [1, 2, 3]) { await null; yield i; } } finally { log.push('closed'); } }\nasync function* boom() { yield 1; throw new Error('boom'); }\nmodule.exports = async () => { const log = []; for await (const v of gen(log)) { log.push(v); if (v === 2) break; } try { for await (const v of boom()) log.push(v); } catch (e) { log.push(e.message); } for await (const v of [Promise.resolve(7), 8]) log.push(v); const it = { [Symbol.asyncIterator]() { let i = 0; return { next: () => Promise.resolve(i < 2 ? { value: i++, done: false } : { value: undefined, done: true }) }; } }; for await (const v of it) log.push(v); return log; };`,
    'arguments, this and function length': `const o = { n: 5, async m(a, b) { await null; return [this.n, arguments.length, a + b]; } }; module.exports = async () => [await o.m(1, 2, 3), o.m.length];`,
  };
  for (const [name, source] of Object.entries(programs)) {
    it(name, async () => {
      const plain = await run(source);
      const out = transform(source);
      assert.notEqual(out.code, source, 'something was instrumented');
      assert.equal(out.code.split('\n').length, source.split('\n').length, 'no line added');
      const instrumented = await run(out.code);
      assert.equal(JSON.stringify(instrumented.result), JSON.stringify(plain.result)); // results come from two realms
      assert.equal(instrumented.runtime.inFlight, 0, 'every await settled in the books');
    });
  }
  it('leaves a rejection of work handed to a dependency unhandled, as it was (no reaction is added to it)', () => {
    const source = `function require() { return { run(fn) { fn(); } }; }\nconst lib = require('pkg');\nlib.run(() => Promise.reject(new Error('left')));`;
    const out = transform(source);
    assert.match(out.code, /__cl\$\.t\(__cl\$\.k,Promise\.reject/);
    // In a process of its own: this one's test runner takes an unhandled rejection as a failure.
    const script = `const { ProbeRuntime } = require(${JSON.stringify(join(__dirname, 'runtime.ts'))});
globalThis[Symbol.for('concurrency-lens')] = new ProbeRuntime(1000, () => undefined, () => undefined);
process.on('unhandledRejection', (e) => { console.log('UNHANDLED=' + e.message); });
new Function(${JSON.stringify(out.code)})();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: __dirname });
    assert.equal(r.stdout.trim(), 'UNHANDLED=left', r.stderr);
  });
  it('hands work only to a dependency\'s functions or what they made, never to a promise\'s reactions', () => {
    const out = transform(`const lib = require('pkg');\nconst limit = lib.limit(2);\nlimit(() => lib.get(1));\nlib.queue.add(() => lib.get(2));\nlib.get(3).then((r) => lib.get(r));\nlib.get(4).catch(() => null);`);
    const lines = out.code.split('\n');
    assert.match(lines[2], /__cl\$\.lt\(.*__cl\$\.t\(__cl\$\.k,/);
    assert.doesNotMatch(lines[3], /__cl\$\.t\(/, 'lib.queue.add: a method of a member, not of what the dependency made');
    assert.doesNotMatch(lines[4], /__cl\$\.t\(|__cl\$\.lt\(/);
    assert.doesNotMatch(lines[5], /__cl\$\.t\(|__cl\$\.lt\(/);
  });
  it('hands work by name only for a function of the file named nowhere else', () => {
    const out = transform([
      `const lib = require('pkg');`,
      `const limit = lib.limit(2);`,
      `function handed(n) { return lib.get(n); }`,
      `function alsoCalled(n) { return lib.get(n); }`,
      `export function exported(n) { return lib.get(n); }`,
      `const arrow = (n) => lib.get(n);`,
      `function* gen() { yield 1; }`,
      `limit(handed, 1); limit(handed, 2); limit(alsoCalled, 3); alsoCalled(4); limit(exported, 5); lib.queue(arrow); limit(gen); limit(outside);`,
      `function shadowed() { const arrow = 1; return arrow; }`,
    ].join('\n'), true);
    const lines = out.code.split('\n');
    assert.match(lines[2], /return __cl\$\.t\(__cl\$\.k,/, 'handed only to dependencies');
    assert.doesNotMatch(lines[3], /__cl\$\.t\(/, 'also called by the program itself');
    assert.doesNotMatch(lines[4], /__cl\$\.t\(/, 'exported: another module may call it');
    assert.doesNotMatch(lines[5], /__cl\$\.t\(/, 'its name is bound again elsewhere');
    assert.deepEqual(lines[7].match(/__cl\$\.l?t?\(/g), ['__cl$.lt(', '__cl$.lt(', '__cl$.l(', '__cl$.l(', '__cl$.l(', '__cl$.l(', '__cl$.l(']);
  });
  it('knows an await of an async function\'s promise made before it, by the scoping rules', () => {
    const out = transform([
      `async function get(n) { await null; return n; }`,
      `const sync = (n) => Promise.resolve(n);`,
      `const noAwait = async (n) => n;`,
      `async function main(p) {`,
      `  const a = get(1); const b = sync(2); const c = noAwait(3); let d = get(4);`,
      `  await a; await b; await c; await d; await p;`,
      `  { const a = sync(5); await a; }`,
      `  for (const e of [get(6)]) await e;`,
      `  const f = (() => get(7))(); await f;`,
      `  function inner() { const get = () => Promise.resolve(8); return async () => { const g = get(); await g; }; }`,
      `}`,
      `const top = get(9); await top;`,
    ].join('\n'), true);
    const own = (line: number) => out.sites.filter((x) => x.kind === 'await' && x.line === line).map((x) => [x.label, !!x.ownPromise]);
    assert.deepEqual(own(6), [['await a', true], ['await b', false], ['await c', false], ['await d', false], ['await p', false]], 'only a const made by a call of an async function of the file with awaits');
    assert.deepEqual(own(7), [['await a', false]], 'the block\'s own a');
    assert.deepEqual(own(8), [['await e', false]]);
    assert.deepEqual(own(9), [['await f', false]]);
    assert.deepEqual(own(10), [['await g', false]], 'get there is the inner function\'s');
    assert.deepEqual(own(12), [['await top', true]]);
  });
  it('tells where each function ends, by the line V8 places it on (its parameters)', () => {
    const out = transform([
      `async function a(x) {`,
      `  await x;`,
      `}`,
      `const b = (y) => y`,
      `  + 1;`,
      `const o = { m() { return [1].map((z) =>`,
      `    z); } };`,
    ].join('\n'));
    assert.deepEqual(out.functionEnds, [1, 3, 4, 5, 6, 7], 'pairs (first line, last line): the longest of those starting on a line');
  });
  it('keeps a hashbang first and adds no line', () => {
    const out = transform('#!/usr/bin/env node\nasync function f() { await 1; }\n');
    assert.ok(out.code.startsWith('#!/usr/bin/env node\n'));
    assert.equal(out.code.split('\n').length, 3);
  });
  it('leaves a file it cannot parse alone', () => {
    assert.equal(instrument({ source: 'let = = 1', file: '/x.js', isModule: false, syncNames, poolNames }), null);
  });
  it('handles top-level await in an ES module', () => {
    const out = transform('const a = await f();\nconst b = await g();\n', true);
    assert.match(out.code, /^var __cl\$=.*const __clI\$=/);
    assert.deepEqual(groupLines(out), [[1, 2]]);
  });
});

describe('instrument: sequential-await groups', () => {
  it('reads the yields of an async function a compiler lowered to a generator as its awaits, and names it after the function', () => {
    const out = transform(`${AWAITER}\nfunction load() {\n return __awaiter(this, void 0, void 0, function* () {\n  const a = yield getA();\n  const b = yield getB();\n  console.log(a, b);\n });\n}`);
    assert.deepEqual(groupLines(out), [[4, 5]]);
    assert.equal(out.groups[0].adjacent, true, 'a plain statement after the run does not part it');
    assert.deepEqual(out.sites.filter((x) => x.kind === 'fn').map((x) => x.label), ['load']);
    const esbuild = transform(`const f = () => __async(this, null, function* () {\n const a = yield getA();\n const b = yield getB();\n});`);
    assert.deepEqual(groupLines(esbuild), [[2, 3]]);
    const babel = transform(`const f = _asyncToGenerator(function* () {\n const a = yield getA();\n const b = yield getB();\n});`);
    assert.deepEqual(groupLines(babel), [[2, 3]]);
    const tslib = transform(`function f() {\n return (0, tslib_1.__awaiter)(this, void 0, void 0, function* () {\n  const a = yield getA();\n  const b = yield getB();\n });\n}`);
    assert.deepEqual(groupLines(tslib), [[3, 4]], 'tslib\'s helper (importHelpers), called as tsc calls imports');
    const babelRuntime = transform(`const f = (0, _asyncToGenerator2.default)(function* () {\n const a = yield getA();\n const b = yield getB();\n});`);
    assert.deepEqual(groupLines(babelRuntime), [[2, 3]], '@babel/runtime\'s helper through CommonJS interop');
  });
  it('marks a file whose async functions are ES5 state machines (nothing to instrument, but the report must say so)', () => {
    const tsc = transform(`function f() { return __awaiter(this, void 0, void 0, function () { return __generator(this, function (_a) { switch (_a.label) { case 0: return [4, g()]; case 1: return [2, _a.sent()]; } }); }); }`);
    assert.equal(tsc.stateMachines, true);
    assert.match(tsc.code, /__cl\$\.load\(/, 'its table goes to the runtime all the same');
    assert.equal(transform(`var f = _regeneratorRuntime().mark(function _callee() { return _regeneratorRuntime().wrap(function (_context) {}, _callee); });`).stateMachines, true);
    assert.equal(transform(`function f() { return tslib_1.__awaiter(this, void 0, void 0, function () { return (0, tslib_1.__generator)(this, function (_a) { return [2]; }); }); }`).stateMachines, true, 'tslib\'s helpers (importHelpers)');
    assert.equal(transform(`async function f() { await g(); }`).stateMachines, undefined);
  });
  it('leaves generators alone: a generator of its own, yield* and an async generator\'s yields are no awaits', () => {
    assert.equal(transform(`function* g() {\n const a = yield getA();\n const b = yield getB();\n}`).sites.length, 0);
    assert.equal(transform(`const f = () => __awaiter(this, void 0, void 0, function* () { yield* other(); });`).sites.filter((x) => x.kind === 'await').length, 0);
    const asyncGen = transform(`async function* g() {\n const a = yield getA();\n const b = yield getB();\n}`);
    assert.equal(asyncGen.sites.filter((x) => x.kind === 'await').length, 0);
  });
  it('groups independent awaits and leaves a dependent one out', () => {
    const out = transform(`async function f() {\n const a = await getA();\n const b = await getB();\n const c = await getC(a);\n}`);
    assert.deepEqual(groupLines(out), [[2, 3]]);
  });
  it('starts a new group after a dependency: o and p both need u, not each other', () => {
    const out = transform(`async function f() {\n const u = await user();\n const o = await orders(u.id);\n const p = await prefs(u.id);\n}`);
    assert.deepEqual(groupLines(out), [[3, 4]]);
  });
  it('groups independent chains of awaits: each await of a chain uses the one before, no chain another', () => {
    /** Each group's lines, the plain ones' and the chains' apart. */
    const linesOf = (out: TransformOutput) => ({ plain: groupLines({ ...out, groups: out.groups.filter((g) => !g.chains) }), chains: groupLines({ ...out, groups: out.groups.filter((g) => g.chains) }) });
    const fetches = transform(`async function f() {\n const r1 = await fetch(a);\n const user = await r1.json();\n const r2 = await fetch(b);\n const prefs = await r2.json();\n}`);
    assert.deepEqual(linesOf(fetches), { plain: [[3, 4]], chains: [[2, 3, 4, 5]] }, 'both measured: the analysis reports the chains where they save more');
    const chains = fetches.groups.find((g) => g.chains)!;
    assert.deepEqual(chains.chains, [0, 0, 1, 1]);
    assert.equal(chains.adjacent, false, 'no quick fix rewrites chains');
    assert.deepEqual(fetches.sites.filter((x) => x.kind === 'await').map((x) => [x.group !== 0, x.chain?.pos, x.chain?.chained]),
      [[false, 0, undefined], [true, 1, 'continues'], [true, 2, undefined], [false, 3, 'continues']]);
    const nested = transform(`async function f() {\n const user = await (await fetch(a)).json();\n const id = user.id;\n const prefs = await (await fetch(b)).json();\n}`);
    assert.deepEqual(linesOf(nested), { plain: [], chains: [[2, 2, 4, 4]] }, 'an await of an await is a chain of its own');
    assert.deepEqual(nested.sites.filter((x) => x.kind === 'await').map((x) => [x.chain?.pos, x.chain?.chained]), [[1, 'encloses'], [0, undefined], [3, 'encloses'], [2, undefined]], 'sites outer first; positions in the order they resume');
    const through = transform(`async function f() {\n const r = await getA();\n const id = r.id;\n const a = await more(id);\n const b = await getB();\n}`);
    assert.deepEqual(linesOf(through), { plain: [[4, 5]], chains: [[2, 4, 5]] }, 'a chain goes on through the plain statements that use it');
    const joined = transform(`async function f() {\n const a = await getA();\n const a2 = await next(a);\n const b = await getB();\n const c = await both(a2, b);\n}`);
    assert.deepEqual(linesOf(joined).chains, [[2, 3, 4]], 'an await that uses two chains ends the run');
    const fanOut = transform(`async function f() {\n const u = await user();\n const o = await orders(u.id);\n const p = await prefs(u.id);\n}`);
    assert.deepEqual(linesOf(fanOut), { plain: [[3, 4]], chains: [] }, 'one chain is no group of chains');
    assert.deepEqual(groupLines(transform(`async function f() {\n const a = await getA();\n const b = await next(a);\n}`)), []);
    const posted = transform(`async function f() {\n const r = await api.post(x);\n const v = await r.json();\n const w = await getB();\n const x2 = await more(w);\n}`);
    assert.deepEqual(linesOf(posted), { plain: [[3, 4]], chains: [[3, 4, 5]] }, 'a change of state is in no chain: it orders what follows');
  });
  it('follows values through plain statements in between', () => {
    const out = transform(`async function f() {\n const a = await getA();\n const id = a.id;\n const b = await getB(id);\n}`);
    assert.deepEqual(groupLines(out), []);
  });
  it('does not group awaits whose result is discarded (they may order side effects)', () => {
    const out = transform(`async function f() {\n await mkdir(d);\n await writeFile(d + '/x');\n const a = await getA();\n}`);
    assert.deepEqual(groupLines(out), []);
  });
  it('does not group awaits of promises started earlier', () => {
    const out = transform(`async function f() {\n const pa = getA(); const pb = getB();\n const a = await pa;\n const b = await pb;\n}`);
    assert.deepEqual(groupLines(out), []);
  });
  it('groups awaited calls among the elements of an array or the arguments of a call', () => {
    const out = transform(`async function f() {\n return [await a(), await b(), x, await c()].concat(g(await d(), await e()));\n}`);
    assert.equal(out.groups.length, 2);
    assert.deepEqual(out.groups.map((g) => g.sites.length), [2, 2]);
  });
  it('never gathers two awaits that take the next thing from one source (prompts, readers, iterators, queues)', () => {
    const g = (body: string) => groupLines(transform(`async function f() {\n${body}\n}`));
    assert.deepEqual(g(` const name = await rl.question('Name? ');\n const city = await rl.question('City? ');`), []);
    assert.deepEqual(g(` const head = await this.reader.read();\n const body = await this.reader.read();`), []);
    assert.deepEqual(g(` const a = await it.next();\n const b = await it.next();\n const c = await getC();`), [[3, 4]], 'the next read and other work can still be gathered');
    assert.deepEqual(g(` const m1 = await queue.receive();\n const m2 = await other.receive();`), [[2, 3]], 'two sources');
    assert.deepEqual(g(` const name = await input({ message: 'Name?' });\n const ok = await confirm({ message: 'Sure?' });`), []);
    assert.deepEqual(g(` const a = await prompt('A?');\n const b = await prompt('B?');`), []);
    assert.deepEqual(g(` const a = await input(fileA);\n const b = await input(fileB);`), [[2, 3]], 'a function named input that asks nothing');
    assert.deepEqual(g(` const a = await store.read('a');\n const b = await store.read('b');`), [[2, 3]], 'reads by key');
    assert.deepEqual(g(` const a = await stream.read(4);\n const b = await stream.read(4);`), []);
    assert.equal(transform(`async function f() {\n return [await rl.question('a'), await rl.question('b')];\n}`).groups.length, 0);
  });
  it('never gathers two queries on one connection or transaction (it runs them in turn)', () => {
    const g = (src: string) => groupLines(transform(src));
    assert.deepEqual(g(`async function f() {\n const client = await pool.connect();\n const a = await client.query(qa);\n const b = await client.query(qb);\n client.release();\n}`), []);
    assert.deepEqual(g(`async function f() {\n const a = await pool.query(qa);\n const b = await pool.query(qb);\n}`), [[2, 3]], 'a pool spreads them over its connections');
    assert.deepEqual(g(`const run = () => prisma.$transaction(async (tx) => {\n const u = await tx.user.findMany();\n const p = await tx.post.findMany();\n});`), []);
    assert.deepEqual(g(`async function f() {\n const trx = await knex.transaction();\n const a = await trx('users').select();\n const b = await trx('posts').select();\n}`), []);
    assert.deepEqual(g(`async function f() {\n const trx = await knex.transaction();\n const a = await trx('users').select();\n const b = await getB();\n}`), [[3, 4]], 'one query on it and other work');
  });
  it('never gathers a call that changes state with the awaits around it (they may read that state)', () => {
    const g = (body: string) => groupLines(transform(`async function f() {\n${body}\n}`));
    assert.deepEqual(g(` const created = await api.post('/items', x);\n const list = await api.get('/items');`), []);
    assert.deepEqual(g(` const before = await api.get('/items');\n const created = await api.post('/items', x);`), [], 'a read before the write');
    assert.deepEqual(g(` const r = await fetch(url, { method: 'POST', body });\n const list = await fetch(url);`), []);
    assert.deepEqual(g(` const r = await fetch(url, { method });\n const list = await fetch(url);`), [], 'a method not written out may be any');
    assert.deepEqual(g(` const a = await fetch('https://api.example.com/graphql', { method: 'POST', body: JSON.stringify({ query: q1 }) });\n const b = await fetch(\`\${base}/graphql\`, { method: 'POST', body: JSON.stringify({ query: '{ viewer { login } }' }) });`), [[2, 3]], 'GraphQL queries go by POST');
    assert.deepEqual(g(` const a = await fetch(\`\${base}/graphql\`, { method: 'POST', body: JSON.stringify({ query: 'mutation { like(id: 1) }' }) });\n const b = await fetch(\`\${base}/graphql\`, { method: 'POST', body });`), [], 'a mutation');
    assert.deepEqual(g(` const a = await fetch(u1, { method: 'GET' });\n const b = await fetch(u2).then((r) => r.json());`), [[2, 3]], 'two reads');
    assert.deepEqual(g(` const res = await request(app).post('/items').send(body);\n const list = await request(app).get('/items');`), [], 'supertest');
    assert.deepEqual(g(` const res = await app.inject({ method: 'DELETE', url: '/items/1' });\n const list = await app.inject({ url: '/items' });`), [], 'fastify inject');
    assert.deepEqual(g(` const ins = await pool.query('INSERT INTO t VALUES (1)');\n const rows = await pool.query('SELECT * FROM t');`), []);
    assert.deepEqual(g(` const a = await pool.query(\`SELECT * FROM a WHERE id = \${id}\`);\n const b = await pool.query('-- b\\n select * from b');`), [[2, 3]], 'two SELECTs');
    assert.deepEqual(g(` const a = await db.execute('SELECT 1');\n const b = await db.execute('SELECT 2');`), [[2, 3]], 'the SQL decides, not execute');
    assert.deepEqual(g(` const a = await pool.query('WITH x AS (SELECT 1) UPDATE t SET v = 1');\n const b = await pool.query('SELECT 1');`), []);
    assert.deepEqual(g(` const b = await client2.query('BEGIN');\n const rows = await other.query('SELECT 1');`), [], 'a transaction begun');
    assert.deepEqual(g(` const u = await User.findOneAndUpdate(q, v);\n const n = await User.countDocuments();`), []);
    assert.deepEqual(g(` const [u] = await User.findOrCreate({ where });\n const n = await Post.count();`), []);
    assert.deepEqual(g(` const ok = await redis.set('k', v);\n const v2 = await redis.get('k');`), []);
    assert.deepEqual(g(` const a = await cache.get('update:1');\n const b = await cache.get('set:2');`), [[2, 3]], 'keys that start with a SQL word');
    assert.deepEqual(g(` const post = await getPost(id);\n const comments = await getComments(id);`), [[2, 3]], 'a noun that is a verb too reads');
    assert.deepEqual(g(` const a = await getA();\n const saved = await repo.save(x);\n const b = await getB();`), []);
    assert.deepEqual(g(` const session = await client.login(creds);\n const me = await client.getProfile();`), [], 'a session the next call uses');
    assert.deepEqual(g(` const user = await auth.signIn(creds);\n const feed = await api.getFeed();`), []);
    assert.deepEqual(g(` const cfg = await app.init();\n const port = await app.listen(0);`), []);
    assert.deepEqual(g(` const built = await exec('npm run build');\n const tested = await exec('npm test');`), [], 'a build, then the tests on it');
    assert.deepEqual(g(` const a = await execAsync(cmd);\n const b = await execAsync('git status');`), [], 'a command not written out');
    assert.deepEqual(g(` const a = await exec('git rev-parse HEAD');\n const b = await execFile('node', ['--version']);\n const c = await exec(\`cat \${f} | wc -l\`);`), [[2, 3, 4]], 'commands that read');
    assert.deepEqual(g(` const a = await exec('git status');\n const b = await exec(\`cat \${f} > copy\`);`), [], 'a redirect writes');
    assert.deepEqual(g(` const a = await db.exec('SELECT 1');\n const b = await db.exec('SELECT 2');`), [[2, 3]], 'SQL, not a command');
    assert.deepEqual(g(` const a = await exec('rm -v old.log');\n const b = await exec('ls');`), [], 'rm -v is verbose, not a version');
    assert.deepEqual(g(` const a = await execa('git', ['log', '-1']);\n const b = await execa('git', ['commit', '-m', msg]);`), []);
    assert.deepEqual(g(` const run = promisify(execFile);\n const a = await run('npx', ['tsc']);\n const b = await run('node', ['--test']);`), [], 'a runner promisified under a name of its own');
    assert.deepEqual(g(` const sh = util.promisify(cp.exec);\n const a = await sh('git status');\n const b = await sh('ls');`), [[3, 4]], 'that name running commands that read');
    assert.equal(transform(`async function f() {\n return [await api.post('/a'), await api.get('/a')];\n}`).groups.length, 0);
  });
  it('follows a value through `this`: this.config written, then this.connect() or this.config.url read', () => {
    const g = (body: string) => groupLines(transform(`class S {\n async init() {\n${body}\n }\n}`));
    assert.deepEqual(g(`  this.config = await load();\n  this.db = await this.connectTo(this.config.url);`), []);
    assert.deepEqual(g(`  this.config = await load();\n  this.db = await this.connect();`), [], 'a method may read what the first one set');
    assert.deepEqual(g(`  this.users = await api.users();\n  this.orders = await api.orders();`), [], 'both write into this, as state.a and state.b into state');
    assert.deepEqual(g(`  const a = await this.getA();\n  const b = await this.getB();`), [[3, 4]], 'reading this alone is no dependency');
  });
  it('stops at control flow', () => {
    const out = transform(`async function f() {\n const a = await getA();\n if (x) return;\n const b = await getB();\n}`);
    assert.deepEqual(groupLines(out), []);
  });
  it('never gathers what takes a lock, semaphore, connection or transaction with what runs under it', () => {
    const lock = transform(`async function f() {\n const release = await lock.acquire();\n const v = await io();\n release();\n}`);
    assert.deepEqual(groupLines(lock), []);
    const byRelease = transform(`async function f() {\n const slot = await sem.take2();\n const v = await io();\n slot();\n}`);
    assert.deepEqual(groupLines(byRelease), []);
    const conn = transform(`async function f() {\n const client = await pool.connect();\n const a = await getA();\n const b = await getB();\n client.release();\n}`);
    assert.deepEqual(groupLines(conn), [[3, 4]], 'the two awaits under the connection can still be gathered');
    const tx = transform(`async function f() {\n const t = await db.beginTransaction();\n const a = await getA();\n}`);
    assert.deepEqual(groupLines(tx), []);
  });
  it('analyses exported top-level awaits of an ES module like any others', () => {
    const out = transform(`const cfg = await load();\nconst users = await getUsers(cfg);\nexport const orders = await getOrders();\n`, true);
    assert.deepEqual(groupLines(out), [[2, 3], [1, 2, 3]], 'the plain group, and the chains (load, getUsers), (getOrders)');
    assert.equal(out.groups[0].adjacent, false, 'no quick fix over an export');
  });
});

describe('instrument: loops', () => {
  /** Each loop of `src` (a whole file): a candidate or not. */
  const loopsOf = (src: string) => transform(src).loops.map((l) => l.independent);
  /** The same, `body` in an async function. */
  const verdict = (body: string) => loopsOf(`async function f() {\n${body}\n}`);
  it('an independent for…of is a candidate', () => assert.deepEqual(verdict('for (const id of ids) out.push(await get(id));'), [true]));
  it('a pagination cursor carries state', () => assert.deepEqual(verdict('let c = 1; while (c) { const p = await page(c); c = p.next; }'), [false]));
  it('a loop that can break early is not', () => assert.deepEqual(verdict('for (const u of urls) { const r = await get(u); if (r.ok) break; }'), [false]));
  it('a return inside is not', () => assert.deepEqual(verdict('for (const u of urls) { if (await ok(u)) return u; }'), [false]));
  it('pacing with sleep is deliberate', () => assert.deepEqual(verdict('for (const u of urls) { await sleep(100); }'), [false]));
  it('a call paced by a sleep after it is deliberate (a rate limit)', () => {
    assert.deepEqual(verdict('for (const u of urls) { out.push(await get(u)); await sleep(30); }'), [false]);
    assert.deepEqual(verdict('for (const u of urls) { await get(u); await new Promise((r) => setTimeout(r, 30)); }'), [false]);
    assert.deepEqual(verdict('for (const u of urls) { await get(u); await new Promise(function (r) { setTimeout(r, 30); }); }'), [false]);
    assert.deepEqual(verdict('for (const u of urls) { await get(u); await timers.setTimeout(30); }'), [false]);
  });
  it('writes to one handle or one path, in turn, keep their order', () => {
    assert.deepEqual(verdict('for (const line of lines) await fh.write(line);'), [false]);
    assert.deepEqual(verdict('for (let i = 0; i < n; i++) { await socket.send(msgs[i]); }'), [false]);
    const fsLoop = (body: string) => loopsOf(`const fs = require('node:fs/promises');\nconst { appendFile } = require('fs/promises');\nasync function f() {\n${body}\n}`);
    assert.deepEqual(fsLoop('for (const line of lines) await fs.appendFile(log, line);'), [false]);
    assert.deepEqual(fsLoop('for (const line of lines) await appendFile(log, line);'), [false]);
    assert.deepEqual(fsLoop('for (const f of files) await fs.unlink(f);'), [true], 'one file per iteration');
    assert.deepEqual(fsLoop('for (const name of names) await fs.writeFile(path.join(dir, name), data);'), [true]);
    assert.deepEqual(fsLoop('for (let i = 0; i < n; i++) await fs.writeFile(`${dir}/${i}.txt`, data);'), [true]);
  });
  it('taking the next answer, chunk or message from one source, in turn, is not a candidate', () => {
    assert.deepEqual(verdict('for (const q of questions) answers.push(await rl.question(q));'), [false]);
    assert.deepEqual(verdict('for (let i = 0; i < n; i++) chunks.push(await reader.read());'), [false]);
    assert.deepEqual(verdict('for (const q of questions) answers.push(await prompt(q));'), [false]);
    assert.deepEqual(verdict('for (const r of readers) chunks.push(await r.read());'), [true], 'a reader of its own per iteration');
  });
  it('queries on one connection, in turn, are not a candidate', () => {
    assert.deepEqual(loopsOf(`async function f(rows) {\n const client = await pool.connect();\n for (const r of rows) await client.query(sql, [r]);\n client.release();\n}`), [false]);
    assert.deepEqual(loopsOf(`async function f(rows) {\n for (const r of rows) await pool.query(sql, [r]);\n}`), [true]);
  });
  it('a pipeline (each iteration calls its own function) is not a candidate', () => {
    assert.deepEqual(verdict('for (const step of steps) await step(ctx);'), [false]);
    assert.deepEqual(verdict('for (let i = 0; i < hooks.length; i++) { await hooks[i](ctx); }'), [false]);
    assert.deepEqual(verdict('for (const m of migrations) await m.up(db);'), [false], 'a migration run on the shared database');
    assert.deepEqual(verdict('for (const plugin of plugins) await plugin.register(app, opts);'), [false]);
    assert.deepEqual(verdict('for (const item of items) await item.save();'), [true], 'one method over many objects, on nothing shared, is a map');
    assert.deepEqual(verdict('for (const f of files) await f.upload(bucket);'), [true], 'not a step');
    assert.deepEqual(verdict('for (const t of tasks) await t.run(t.input);'), [true], 'given only its own');
    assert.deepEqual(verdict("for (const t of tasks) await t.run('fast');"), [true], 'given a constant');
  });
  it('per-item writes, and reads and calls on a shared client, stay candidates', () => {
    assert.deepEqual(verdict('for (const item of items) await item.write();'), [true]);
    assert.deepEqual(verdict('for (const id of ids) out.push(await store.get(id));'), [true]);
    assert.deepEqual(verdict('for (const id of ids) await api.remove(id);'), [true]);
  });
  it('a sleep whose value is used, or a promise that sets no timer, paces nothing', () => {
    assert.deepEqual(verdict('for (const u of urls) { out.push(await get(u)); out.push(await sleep(30, u)); }'), [true]);
    assert.deepEqual(verdict('for (const u of urls) { await get(u); await new Promise((r) => emitter.once(u, r)); }'), [true]);
  });
  it('the in-turn branch of code that also gathers the same call is its choice, not a candidate', () => {
    // vitest's runner: tests of a suite run one at a time unless marked concurrent.
    assert.deepEqual(verdict('if (group[0].concurrent) await Promise.all(group.map((c) => limit(() => runChild(c, runner)))); else { for (const c of group) await runChild(c, runner); }'), [false]);
    assert.deepEqual(verdict('if (opts.parallel) { return Promise.all(files.map(lint)); } for (const f of files) await lint(f);'), [false], 'after an if that returned the gathered form');
    assert.deepEqual(verdict('if (!opts.parallel) { for (const f of files) await this.lint(f); } else { await Promise.allSettled(files.map((f) => this.lint(f))); }'), [false], 'a method');
    assert.deepEqual(verdict('if (opts.parallel) await Promise.all(files.map(format)); else { for (const f of files) await lint(f); }'), [true], 'another call gathered');
    assert.deepEqual(verdict('await Promise.all(a.map(lint)); for (const f of files) await lint(f);'), [true], 'not a choice between the two');
  });
  it('awaiting a batch per iteration is deliberate', () => assert.deepEqual(verdict('for (let i = 0; i < n; i += 100) await Promise.all(items.slice(i, i + 100).map(f));'), [false]));
  it('for await is never a candidate', () => assert.deepEqual(verdict('for await (const x of stream) await handle(x);'), [false]));
  it('a counter loop with an accumulator is a candidate', () => assert.deepEqual(verdict('let total = 0; for (let i = 0; i < n; i++) total += await size(i);'), [true]));
  it('shared progress in the condition is not (concurrent client loops)', () => assert.deepEqual(verdict('while (sent < total) { sent++; await get(url); }'), [false]));
});

describe('instrument: compact (transpiled) code', () => {
  it('keeps keywords apart from inserted calls', async () => {
    const source = `const x={g:async(n)=>n+1};module.exports=async()=>{const a=await(0,x.g)(1);return(0,x.g)(await(a))}`;
    const out = transform(source);
    assert.equal(JSON.stringify((await run(out.code)).result), JSON.stringify((await run(source)).result));
  });
  it('labels calls as the user wrote them, not as the transpiler did', () => {
    const out = transform(`var import_svc = __toESM(require("./svc"));\nvar import_fs = __toESM(require("fs"));\nasync function f() { await (0, import_svc.getText)(u); (0, import_fs.readFileSync)("a"); }`);
    assert.deepEqual(out.sites.filter((s) => s.kind !== 'fn').map((s) => s.label), ['await getText()', 'fs.readFileSync()']);
  });
  it("recognizes esbuild's CommonJS imports", () => {
    const out = transform(`var import_fs = __toESM(require("node:fs"));\n(0, import_fs.readFileSync)("a");\n(0, import_fs.readFile)("a", cb);`);
    assert.deepEqual(out.sites.map((s) => `${s.kind}@${s.line}`), ['sync@2', 'pool@3']);
  });
});

describe('instrument: sync I/O and pool calls', () => {
  it('times *Sync calls and counts pool calls on known modules only', () => {
    const out = transform(`const fs = require('fs');\nconst { pbkdf2 } = require('node:crypto');\nfs.readFileSync('a');\nfs.readFile('a', cb);\npbkdf2('p', 's', 1, 32, 'sha256', cb);\nstream.readFile();\nrequire('child_process').execSync('ls');`);
    assert.deepEqual(out.sites.map((s) => `${s.kind}@${s.line}`), ['sync@3', 'pool@4', 'pool@5', 'sync@7']);
  });
  it('counts the calls of a promisified pool function as its own (const hash = promisify(pbkdf2))', () => {
    const out = transform(`const util = require('util');\nconst crypto = require('crypto');\nconst { readFile } = require('fs');\nconst hash = util.promisify(crypto.pbkdf2);\nconst read = promisify(readFile);\nconst mine = promisify(myFn);\nhash('p', 's', 1, 32, 'sha256');\nread('a');\nmine();`);
    assert.deepEqual(out.sites.map((s) => `${s.kind}@${s.line}`), ['pool@7', 'pool@8']);
  });
  it('skips optional calls (wrapping would break the chain)', () => {
    const out = transform(`fs?.readFileSync('a').toString();`);
    assert.equal(out.sites.length, 0);
  });
  it("times a *Sync call from when its arguments are evaluated: the arguments' own work is not the call's, and the program's results stay the same", async () => {
    // Each call's arguments spin 200 ms of wall time; the calls themselves take microseconds (the
    // bound, half the spin, leaves room for a loaded machine descheduling the thread mid-call).
    const source = `const fs = { readFileSync: (...a) => a.join('|'), existsSync: () => true };
function spin(ms) { const e = Date.now() + ms; while (Date.now() < e); return ms; }
module.exports = async () => [
  fs.readFileSync('a', spin(200)),
  fs.readFileSync(...[spin(200), 'b']),
  fs.readFileSync('c', await Promise.resolve(spin(200))),
  fs.readFileSync(fs.readFileSync('d', spin(200)), 'e',),
  fs.existsSync(),
];`;
    const out = transform(source);
    const plain = await run(source);
    const { result, runtime } = await run(out.code);
    assert.equal(JSON.stringify(result), JSON.stringify(plain.result));
    assert.equal(JSON.stringify(result), '["a|200","200|b","c|200","d|200|e",true]');
    const syncSites = out.sites.filter((x) => x.kind === 'sync');
    assert.equal(syncSites.length, 6);
    const { count, max } = runtime.aggregates().site;
    // A site's index is its id past its module's base (0: the first module the runtime loads).
    for (const x of syncSites) {
      assert.equal(count[x.id], 1, `line ${x.line}`);
      assert.ok(max[x.id] < 100, `the call at line ${x.line} timed ${max[x.id].toFixed(1)} ms: its arguments' 200 ms spin counted`);
    }
  });
  it('knows a dependency through a member of its require() and through compilers\' interop wrappers (tsc, tslib, Babel, SWC, Rollup, esbuild)', () => {
    const out = transform([
      `const a = require('pkg-a').default;`,
      `const b = __importDefault(require('pkg-b'));`,
      `const c = tslib_1.__importStar(require('pkg-c'));`,
      `const d = _interopRequireDefault(require('pkg-d'));`,
      `const e = __toESM(require('pkg-e'));`,
      `const f = require('./own').default;`,
      `const g = _interop_require_default._(require('pkg-g'));`,
      `const h = _interopDefault(require('pkg-h'));`,
      `a(); (0, b.default)(); c.run(); d.default.run(); e.go(); f(); g.default(); h();`,
    ].join('\n'));
    assert.deepEqual(out.sites.filter((x) => x.kind === 'lib' && x.line === 9).map((x) => x.label), ['a()', 'b.default()', 'c.run()', 'd.default.run()', 'e.go()', 'g.default()', 'h()']);
  });
  it('records a `for await` loop\'s waits as an await of its own site, also in a function with no other await', () => {
    const src = `async function f(s) {\n  let n = 0;\n  for await (const x of s.lines()) n += x;\n  return n;\n}\nfor (const y of [1]) f(y);`;
    const out = transform(src);
    const site = out.sites.find((x) => x.kind === 'await' && x.line === 3);
    assert.ok(site, JSON.stringify(out.sites));
    assert.equal(site.label, 'for await (… of s.lines())');
    assert.equal(site.io, true);
    assert.match(out.code, /for await \(const x of __cl\$\.fa\(__clI\$,__clS\$\+\d+,s\.lines\(\)\)\)/);
  });
  it("marks awaits of Node's promise I/O and of timers' promises (never a wrapper of the program's work)", () => {
    const out = transform([
      `const { setTimeout: sleep } = require('node:timers/promises');`,
      `const fsp = require('fs/promises'); const fs = require('fs'); const { readFile } = require('node:fs/promises');`,
      `const pMap = require('p-map'); const sleep2 = require('timers/promises').setTimeout;`,
      `async function f(u) {`,
      `  await sleep(5); await fetch(u); await fsp.readFile(u); await fs.promises.stat(u); await readFile(u); await sleep2(1);`,
      `  await new Promise((r) => setTimeout(r, 5));`,
      `  await pMap([], (x) => x); await get(u); await new Promise((r) => emitter.once('x', r)); await fs.stat(u);`,
      `}`,
    ].join('\n'));
    const io = (line: number) => out.sites.filter((x) => x.kind === 'await' && x.line === line).map((x) => x.io === true);
    assert.deepEqual(io(5), [true, true, true, true, true, true]);
    assert.deepEqual(io(6), [true]);
    assert.deepEqual(io(7), [false, false, false, false]);
  });
  it("sees Node's thread-pool calls through tsc's interop wrappers (a TypeScript program compiled to CommonJS)", () => {
    const out = transform([
      `const fs_1 = __importDefault(require("fs"));`,
      `const promises_1 = tslib_1.__importDefault(require("node:fs/promises"));`,
      `const crypto = __importStar(require("crypto"));`,
      `fs_1.default.promises.readFile(u); promises_1.default.readFile(u); crypto.pbkdf2(u, u, 1, 1, 'sha1', () => 1);`,
    ].join('\n'));
    assert.deepEqual(out.sites.filter((x) => x.kind === 'pool').map((x) => x.label), ['fs.promises.readFile()', 'promises.readFile()', 'crypto.pbkdf2()']);
  });
  it('notes where the function around a call into a dependency starts (the line its CPU profile frame has)', () => {
    const out = transform(`const lib = require('pkg');\nlib.a();\nfunction f() {\n  lib.b(() =>\n    lib.c());\n}\nclass K { m() { return lib.d(); } }`);
    assert.deepEqual(out.sites.filter((x) => x.kind === 'lib').map((x) => `${x.label}@${x.line}:${x.callerLine}`), ['lib.a()@2:1', 'lib.b()@4:3', 'lib.c()@5:4', 'lib.d()@7:7']);
  });
  it("times a call into a dependency from when its arguments are evaluated, keeps its this, and survives calls that throw", async () => {
    // As above: the arguments (or, with none, the callee's object) spin 200 ms; the calls take
    // microseconds. \`require\` is the source's own, so that \`lib\` is a dependency's binding.
    const source = `function require() { return { id: (...a) => a.join('|'), self() { return this === lib; }, make() { return { run() { return 'ran'; } }; }, boom() { throw new Error('boom'); } }; }
const lib = require('tinylib');
const { self: bare } = require('tinylib');
function spin(ms) { const e = Date.now() + ms; while (Date.now() < e); return ms; }
module.exports = async () => {
  const out = [];
  out.push(lib.id('a', spin(200)));
  out.push(lib.id(...[spin(200), 'b']));
  out.push(lib.id('c', await Promise.resolve(spin(200))));
  out.push(lib.id(lib.id('d', spin(200)), 'e',));
  out.push(lib.id((spin(200), 'f')));
  out.push(lib.self(), bare());
  out.push(lib.make(spin(200)).run());
  for (let i = 0; i < 3; i++) try { lib.boom(spin(1)); } catch (e) { out.push(e.message); }
  out.push(lib.id('g', spin(200)));
  return out;
};`;
    const out = transform(source);
    const plain = await run(source);
    const { result, runtime } = await run(out.code);
    assert.equal(JSON.stringify(result), JSON.stringify(plain.result));
    assert.equal(JSON.stringify(result), '["a|200","200|b","c|200","d|200|e","f",true,false,"ran","boom","boom","boom","g|200"]');
    const libSites = out.sites.filter((x) => x.kind === 'lib');
    assert.equal(libSites.length, 11);
    const { count, sampled, max } = runtime.aggregates().site;
    for (const x of libSites) {
      const line = x.line;
      assert.equal(count[x.id], line === 14 ? 3 : 1, `line ${line}`);
      // The calls that threw never returned: counted, not timed.
      assert.equal(sampled[x.id], line === 14 ? 0 : 1, `line ${line}`);
      assert.ok(max[x.id] < 100, `the call at line ${line} timed ${max[x.id].toFixed(1)} ms: its arguments' 200 ms spin counted`);
    }
  });
});
