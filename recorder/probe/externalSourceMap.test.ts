import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { externalMapFile, readExternalMap } from './externalSourceMap';

/** What the probe does with a file: find the map it names, then read it. */
const externalSourceMap = (code: string, file: string): unknown => {
  const mapFile = externalMapFile(code, file);
  return mapFile === undefined ? undefined : readExternalMap(mapFile);
};

const MAP = { version: 3, mappings: 'AAAA', names: [] };

function project(map: object, mapPath = 'dist/app.js.map'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cl-extmap-'));
  mkdirSync(join(dir, 'dist', 'maps'), { recursive: true });
  mkdirSync(join(dir, 'dist', 'src'), { recursive: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const f of ['src/app.ts', 'dist/src/a.ts']) writeFileSync(join(dir, f), '');
  writeFileSync(join(dir, mapPath), JSON.stringify(map));
  return dir;
}

describe('externalSourceMap', () => {
  it("reads the map named beside the file and gives its sources as absolute paths (tsc's `../src/app.ts`)", () => {
    const dir = project({ ...MAP, sources: ['../src/app.ts'] });
    const map = externalSourceMap('exports.x = 1;\n//# sourceMappingURL=app.js.map', join(dir, 'dist/app.js')) as any;
    assert.deepEqual(map.sources, [join(dir, 'src/app.ts')]);
  });
  it('resolves sources against sourceRoot, then drops it; keeps URLs of other schemes', () => {
    const dir = project({ ...MAP, sourceRoot: '../src', sources: ['a.ts', 'webpack://app/b.ts', pathToFileURL('/x/c.ts').href] }, 'dist/maps/app.js.map');
    const map = externalSourceMap('//# sourceMappingURL=maps/app.js.map\n', join(dir, 'dist/app.js')) as any;
    assert.deepEqual(map.sources, [join(dir, 'dist/src/a.ts'), 'webpack://app/b.ts', '/x/c.ts']);
    assert.equal(map.sourceRoot, undefined);
  });
  it('takes a file: URL', () => {
    const dir = project({ ...MAP, sources: ['../src/app.ts'] });
    const map = externalSourceMap(`//@ sourceMappingURL=${pathToFileURL(join(dir, 'dist/app.js.map')).href}`, join(dir, 'other/app.js')) as any;
    assert.deepEqual(map.sources, [join(dir, 'src/app.ts')]);
  });
  it('gives nothing for no comment, a data: URL (an inline map), an http URL, a missing or broken map', () => {
    const dir = project({ ...MAP, sources: ['a.ts'] });
    writeFileSync(join(dir, 'dist/broken.js.map'), '{ not json');
    writeFileSync(join(dir, 'dist/notamap.js.map'), '{"version":3}');
    const file = join(dir, 'dist/app.js');
    assert.equal(externalSourceMap('exports.x = 1;', file), undefined);
    assert.equal(externalSourceMap('//# sourceMappingURL=data:application/json;base64,e30=', file), undefined);
    assert.equal(externalSourceMap('//# sourceMappingURL=https://example.com/app.js.map', file), undefined);
    assert.equal(externalSourceMap('//# sourceMappingURL=missing.js.map', file), undefined);
    assert.equal(externalSourceMap('//# sourceMappingURL=broken.js.map', file), undefined);
    assert.equal(externalSourceMap('//# sourceMappingURL=notamap.js.map', file), undefined);
  });
  it("gives nothing for a map none of whose files is here (built elsewhere): the file that ran keeps its positions", () => {
    const dir = project({ ...MAP, sources: ['/build/agent/src/app.ts', '../src/gone.ts'] });
    assert.equal(externalSourceMap('//# sourceMappingURL=app.js.map', join(dir, 'dist/app.js')), undefined);
  });
  it('reads only a comment that ends the file', () => {
    const dir = project({ ...MAP, sources: ['a.ts'] });
    assert.equal(externalSourceMap('//# sourceMappingURL=app.js.map\nexports.x = 1;\n', join(dir, 'dist/app.js')), undefined);
  });
});
