// tsconfig reading and TypeScript's import resolution rules, on real files in a temporary project.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { importMappingFor, pathsCandidates } from './tsconfig';
import { tsFallback, tsPathsAlias } from './tsResolve';

let root = '';
const write = (rel: string, text = '') => { const p = path.join(root, rel); mkdirSync(path.dirname(p), { recursive: true }); writeFileSync(p, text); return p; };

before(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'cl-tsconfig-')));
  write('base/tsconfig.base.json', `{
    // comments and trailing commas, as TypeScript allows
    "compilerOptions": { "paths": { "@lib/*": ["./lib/*", "./fallback/*"], "@lib/special": ["./special.ts"], "*": ["./types/*"], }, },
  }`);
  write('app/tsconfig.json', `{ "extends": "../base/tsconfig.base", /* no .json */ "compilerOptions": { "strict": true } }`);
  write('app/src/main.ts');
  write('base/lib/a.ts');
  write('base/fallback/b.ts');
  write('base/special.ts');
  write('app/src/x.mts');
  write('app/src/y.cts');
  write('app/src/view.tsx');
  write('app/src/dir/index.ts');
  write('with-base/tsconfig.json', `{ "compilerOptions": { "baseUrl": "./src", "paths": { "~/*": ["./*"] } } }`);
  write('with-base/src/util/fmt.ts');
  write('with-base/src/main.ts');
});

describe('tsconfig: paths from an extended config', () => {
  it('resolves substitutions relative to the config that declares paths (no baseUrl)', () => {
    const m = importMappingFor(path.join(root, 'app/src'));
    assert.ok(m);
    assert.equal(m.baseUrl, undefined);
    assert.deepEqual(pathsCandidates(m, '@lib/a.js'), [path.join(root, 'base/lib/a.js'), path.join(root, 'base/fallback/a.js')]);
  });
  it('prefers an exact pattern, then the longest prefix', () => {
    const m = importMappingFor(path.join(root, 'app/src'))!;
    assert.deepEqual(pathsCandidates(m, '@lib/special'), [path.join(root, 'base/special.ts')]);
    assert.deepEqual(pathsCandidates(m, 'express'), [path.join(root, 'base/types/express')]);
  });
  it('maps an alias to the existing .ts, trying substitutions in order; never a Node built-in', () => {
    const importer = path.join(root, 'app/src/main.ts');
    assert.equal(tsPathsAlias('@lib/a.js', importer), path.join(root, 'base/lib/a.ts'));
    assert.equal(tsPathsAlias('@lib/b', importer), path.join(root, 'base/fallback/b.ts'));
    assert.equal(tsPathsAlias('fs', importer), undefined);
    assert.equal(tsPathsAlias('express', importer), undefined, 'no file: Node resolves it');
  });
  it('uses baseUrl for paths and for bare names Node could not find', () => {
    const importer = path.join(root, 'with-base/src/main.ts');
    assert.equal(tsPathsAlias('~/util/fmt', importer), path.join(root, 'with-base/src/util/fmt.ts'));
    assert.equal(tsFallback('util/fmt.js', importer), path.join(root, 'with-base/src/util/fmt.ts'));
  });
});

describe('TypeScript file for a specifier Node found nothing at', () => {
  const importer = () => path.join(root, 'app/src/main.ts');
  it('maps JavaScript extensions to TypeScript ones', () => {
    assert.equal(tsFallback('./x.mjs', importer()), path.join(root, 'app/src/x.mts'));
    assert.equal(tsFallback('./y.cjs', importer()), path.join(root, 'app/src/y.cts'));
    assert.equal(tsFallback('./view.jsx', importer()), path.join(root, 'app/src/view.tsx'));
    assert.equal(tsFallback('./view.js', importer()), path.join(root, 'app/src/view.tsx'));
  });
  it('completes extensionless paths and folders (bundler)', () => {
    assert.equal(tsFallback('./view', importer()), path.join(root, 'app/src/view.tsx'));
    assert.equal(tsFallback('./dir', importer()), path.join(root, 'app/src/dir/index.ts'));
    assert.equal(tsFallback('./x.js', importer()), undefined, 'x.mts is not what ./x.js means');
    assert.equal(tsFallback('./missing.js', importer()), undefined);
  });
});
