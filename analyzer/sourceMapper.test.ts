import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { transformSync } from 'esbuild';
import { SourceMapper } from './sourceMapper';

// A TypeScript module compiled as loaders compile it: esbuild with a source map, with its line
// breaks (ts-node's and the probe's own transpiling) and without them (tsx: whitespace-minified).
const SOURCE = [
  'export function first(n: number): number {', // 1
  '  return n + 1;', //                                 2
  '}', //                                               3
  'export function hot(n: number): number {', //   4
  '  let x = 0;', //                                    5
  '  for (let i = 0; i < n; i++) x += Math.sqrt(i);', // 6
  '  return x;', //                                     7
  '}', //                                               8
].join('\n');

function compiled(minifyWhitespace: boolean): { code: string; map: unknown } {
  const r = transformSync(SOURCE, { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: '/app/mod.ts', minifyWhitespace });
  return { code: r.code, map: JSON.parse(r.map) };
}

/** A mapper holding the module's map, and where its loop and `hot`'s start are in the compiled code. */
function mapped(minifyWhitespace: boolean): { mapper: SourceMapper; loop: { line: number; column0: number }; fn: { line: number; column0: number } } {
  const { code, map } = compiled(minifyWhitespace);
  const mapper = new SourceMapper();
  mapper.addMap('/app/mod.ts', map);
  return { mapper, loop: positionOf(code, minifyWhitespace ? 'for(' : 'for ('), fn: positionOf(code, 'function hot') };
}

/** 1-based line and 0-based column of `text` in `code`. */
function positionOf(code: string, text: string): { line: number; column0: number } {
  const at = code.indexOf(text);
  assert.ok(at >= 0, `${text} not in ${code}`);
  const before = code.slice(0, at).split('\n');
  return { line: before.length, column0: before[before.length - 1].length };
}

describe('SourceMapper.locateLine: a CPU sample known by its line alone', () => {
  it('maps a compiled line that holds one line of the user\'s file to that line', () => {
    const { mapper, loop, fn } = mapped(false);
    const r = mapper.locateLine('file:///app/mod.ts', loop.line, fn);
    assert.equal(r.exact, true);
    assert.equal(r.location.file, '/app/mod.ts');
    assert.equal(r.location.line, 6);
  });

  it('gives the function\'s start when the compiled line holds several of the user\'s (tsx\'s one-line output)', () => {
    const { mapper, loop, fn } = mapped(true);
    assert.equal(loop.line, fn.line, 'the whole module on one line');
    // The line alone maps to the module's first statement, whatever ran: that is what this avoids.
    assert.equal(mapper.locate('/app/mod.ts', loop.line).line, 1);
    const r = mapper.locateLine('/app/mod.ts', loop.line, fn);
    assert.equal(r.exact, false);
    assert.deepEqual(r.location, { file: '/app/mod.ts', line: 4, column: 8 }); // `function`, after `export `
  });

  it('takes a function V8 gave no column (-1: code a test runner evaluated) without throwing', () => {
    const { mapper, loop, fn } = mapped(false);
    assert.equal(mapper.locate('/app/mod.ts', fn.line, -1).line, 4);
    assert.deepEqual(mapper.locateLine('/app/mod.ts', loop.line, { line: fn.line, column0: -1 }), { location: { file: '/app/mod.ts', line: 6, column: 3 }, exact: true });
    const oneLine = compiled(true);
    mapper.addMap('/app/one.ts', oneLine.map);
    const r = mapper.locateLine('/app/one.ts', 1, { line: 1, column0: -1 });
    assert.equal(r.exact, true);
    assert.equal(r.location.line, 1);
  });

  it('keeps the compiled line where there is no map (JavaScript runs as written)', () => {
    const r = new SourceMapper().locateLine('/app/plain.js', 6, { line: 4, column0: 0 });
    assert.deepEqual(r, { location: { file: '/app/plain.js', line: 6, column: 1 }, exact: true });
  });
});
