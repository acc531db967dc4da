import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'acorn';
import { planPromiseAll } from './promiseAllRewrite';

const apply = (src: string, lines: number[]) => {
  const r = planPromiseAll(src, lines);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return src.slice(0, r.plan.start) + r.plan.newText + src.slice(r.plan.end);
};
const refusal = (src: string, lines: number[]) => {
  const r = planPromiseAll(src, lines);
  assert.equal(r.ok, false, 'rewrite must be refused');
  return (r as { reason: string }).reason;
};

test('merges adjacent independent awaits into one Promise.all, from the first line alone', () => {
  const src = 'async function main() {\n  const a = await getA();\n  const b = await getB(1);\n  const c = await getC();\n  return a + b + c;\n}\n';
  const out = apply(src, [2]);
  assert.equal(out, 'async function main() {\n  const [a, b, c] = await Promise.all([getA(), getB(1), getC()]);\n  return a + b + c;\n}\n');
  parse(out, { ecmaVersion: 'latest' });
});

test('stops before an await that uses an earlier result', () => {
  const src = 'async function f() {\n  const u = await getUser();\n  const s = await getSettings();\n  const o = await getOrders(u.id);\n}\n';
  assert.match(apply(src, [2]), /const \[u, s\] = await Promise\.all\(\[getUser\(\), getSettings\(\)\]\);\n  const o = await getOrders\(u\.id\);/);
  assert.match(refusal(src, [2, 4]), /not adjacent independent/);
});

test('keeps destructuring patterns, leaves holes for awaits whose value is dropped, drops trailing holes', () => {
  const src = 'async function f() {\n  await warmUp();\n  const { x } = await getX();\n  await log();\n}\n';
  assert.match(apply(src, [2]), /const \[, \{ x \}\] = await Promise\.all\(\[warmUp\(\), getX\(\), log\(\)\]\);/);
});

test('only expression awaits become a bare await Promise.all', () => {
  const src = 'async function f() {\n  await a();\n  await b();\n}\n';
  assert.match(apply(src, [2, 3]), /\n  await Promise\.all\(\[a\(\), b\(\)\]\);\n/);
});

test('long calls are laid out one per line with the file indentation', () => {
  const src = `async function f() {\n    const first = await fetchSomethingWithAVeryLongName('https://example.com/a');\n    const second = await fetchSomethingWithAVeryLongName('https://example.com/b');\n}\n`;
  const out = apply(src, [2]);
  assert.match(out, /    const \[first, second\] = await Promise\.all\(\[\n      fetchSomethingWithAVeryLongName\('https:\/\/example\.com\/a'\),\n      fetchSomethingWithAVeryLongName\('https:\/\/example\.com\/b'\),\n    \]\);/);
});

test('refuses when something else runs between the awaits', () => {
  const src = 'async function f() {\n  const a = await getA();\n  console.log("got a");\n  const b = await getB();\n}\n';
  assert.match(refusal(src, [2, 4]), /not adjacent/);
  assert.match(refusal(src, [2]), /fewer than two/);
});

test('refuses mixed declaration kinds, comments that would be lost, nested awaits and unparsable files', () => {
  assert.match(refusal('async function f() {\n  const a = await A();\n  let b = await B();\n}\n', [2]), /fewer than two/);
  assert.match(refusal('async function f() {\n  const a = await A(); // first\n  const b = await B();\n}\n', [2]), /comments/);
  assert.match(refusal('async function f() {\n  const a = await A(await x());\n  const b = await B();\n}\n', [2]), /no statement|fewer than two/);
  assert.match(refusal('const x: number = await A();\n', [1]), /does not parse/);
  assert.match(refusal('async function f() {\n  const a: User = await A();\n  const b = await B();\n}\nconst z: T = 1;\n', [2, 3]), /not plain JavaScript/);
  assert.match(refusal('async function f() {\n  const a = (await A()).b;\n  const c = await C();\n}\n', [2]), /no statement/);
});

test('works at module top level and inside nested blocks', () => {
  assert.match(apply('const a = await A();\nconst b = await B();\nexport { a, b };\n', [1]), /^const \[a, b\] = await Promise\.all\(\[A\(\), B\(\)\]\);\nexport/);
  assert.match(apply('async function f(x) {\n  if (x) {\n    var p = await P();\n    var q = await Q();\n  }\n}\n', [3]), /    var \[p, q\] = await Promise\.all\(\[P\(\), Q\(\)\]\);/);
});

test('TypeScript: rewrites when the awaits\' own lines are plain statements, maps offsets back', () => {
  const src = 'interface User { id: number }\nasync function load(id: number): Promise<void> {\n  const user = await getUser(id);\n  const orders = await getOrders(id);\n  console.log(user, orders);\n}\n';
  const out = apply(src, [3, 4]);
  assert.equal(out, 'interface User { id: number }\nasync function load(id: number): Promise<void> {\n  const [user, orders] = await Promise.all([getUser(id), getOrders(id)]);\n  console.log(user, orders);\n}\n');
  assert.match(refusal(src.replace('const orders = await getOrders(id);', 'const orders = await getOrders(user.id);'), [3, 4]), /not adjacent independent/);
});
