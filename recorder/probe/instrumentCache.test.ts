import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InstrumentCache } from './instrumentCache';

describe('InstrumentCache: instrumented files kept across runs', () => {
  let scratch: string;
  let instrumenter: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-instrument-cache-'));
    instrumenter = path.join(scratch, 'instrumenter.js');
    fs.writeFileSync(instrumenter, '/* build 1 */');
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const root = () => path.join(scratch, 'cache');

  it('serves what was kept, to another instance (another process or run)', () => {
    InstrumentCache.open(instrumenter, root())!.set('/app/a.js', false, 'src', '', 'code(src)');
    assert.equal(InstrumentCache.open(instrumenter, root())!.get('/app/a.js', false, 'src', ''), 'code(src)');
  });

  it('never serves code made from other inputs: source, map, module kind, file', () => {
    const cache = InstrumentCache.open(instrumenter, root())!;
    cache.set('/app/a.js', false, 'await x()', '{"v":3}', 'instrumented');
    assert.equal(cache.get('/app/a.js', false, 'await x()', '{"v":3}'), 'instrumented');
    assert.equal(cache.get('/app/a.js', false, 'await y()', '{"v":3}'), undefined, 'same length, other text');
    assert.equal(cache.get('/app/a.js', false, 'await x()', '{"v":4}'), undefined, 'other source map');
    assert.equal(cache.get('/app/a.js', false, 'await x()', ''), undefined, 'no source map');
    assert.equal(cache.get('/app/a.js', true, 'await x()', '{"v":3}'), undefined, 'ES module, not CommonJS');
    assert.equal(cache.get('/app/b.js', false, 'await x()', '{"v":3}'), undefined, 'another file');
  });

  it('a changed file replaces its entry', () => {
    const cache = InstrumentCache.open(instrumenter, root())!;
    cache.set('/app/a.js', false, 'v1', '', 'code v1');
    cache.set('/app/a.js', false, 'v2', '', 'code v2');
    assert.equal(cache.get('/app/a.js', false, 'v1', ''), undefined);
    assert.equal(cache.get('/app/a.js', false, 'v2', ''), 'code v2');
  });

  it('a rebuilt instrumenter does not see what the previous build made', () => {
    InstrumentCache.open(instrumenter, root())!.set('/app/a.js', false, 'src', '', 'old build output');
    const tmp = `${instrumenter}.tmp`;
    fs.writeFileSync(tmp, '/* build 2 */'); // same size: only mtime and inode tell the builds apart
    fs.renameSync(tmp, instrumenter);
    assert.equal(InstrumentCache.open(instrumenter, root())!.get('/app/a.js', false, 'src', ''), undefined);
  });

  it('a truncated or foreign entry is a miss, not an error', () => {
    const cache = InstrumentCache.open(instrumenter, root())!;
    cache.set('/app/a.js', false, 'source text', '', 'code');
    const [dir] = fs.readdirSync(path.join(root(), 'instrumented'));
    const [entry] = fs.readdirSync(path.join(root(), 'instrumented', dir));
    const file = path.join(root(), 'instrumented', dir, entry);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 60));
    assert.equal(cache.get('/app/a.js', false, 'source text', ''), undefined);
    fs.writeFileSync(file, 'not a header');
    assert.equal(cache.get('/app/a.js', false, 'source text', ''), undefined);
  });

  it('is not used in a folder others can write to, nor through a symlink', () => {
    const open = path.join(scratch, 'open');
    fs.mkdirSync(open, { mode: 0o777 });
    fs.chmodSync(open, 0o777);
    assert.equal(InstrumentCache.open(instrumenter, open), undefined, 'world-writable');
    const real = path.join(scratch, 'real');
    fs.mkdirSync(real, { mode: 0o700 });
    const link = path.join(scratch, 'link');
    fs.symlinkSync(real, link);
    assert.equal(InstrumentCache.open(instrumenter, link), undefined, 'a symlink');
    assert.ok(InstrumentCache.open(instrumenter, real), 'a private directory of ours');
  });
});
