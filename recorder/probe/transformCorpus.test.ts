// The instrumenter over real code: the ~1,100 files of the installed packages with an await or a
// yield (the code of the libraries users run, written in every style: semicolons or none,
// CommonJS and ES modules, compiled and hand-written). Each instrumented file must still parse as what it was, and no await of ours may
// be glued to the line before it (a statement that began with our `(` after a line without a
// semicolon became a call of that line: `[](__clT$=await …)`), nor an async arrow's body be cut
// off from our `return` (a body on the next line returned undefined).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'acorn';
import { transformSync } from 'esbuild';
import { instrument } from './transform';
import { children, type Node } from './ast';

const ROOT = join(__dirname, '../../node_modules');
const MAX_FILES = 2000;
const MAX_BYTES = 100_000;

/** Up to MAX_FILES files with an await or a yield, in a fixed order (sorted names, depth first). */
function corpus(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try { names = readdirSync(dir).sort(); } catch { return; }
    for (const name of names) {
      if (out.length >= MAX_FILES) return;
      const p = join(dir, name);
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) { if (name !== '.bin' && name !== '.cache') walk(p); continue; }
      if (!/\.(c?js|mjs)$/.test(name) || st.size > MAX_BYTES || name.endsWith('.min.js')) continue;
      const text = readFileSync(p, 'utf8');
      if (/\bawait\b|\byield\b/.test(text)) out.push(p);
    }
  };
  walk(ROOT);
  return out;
}

const parse = (code: string, isModule: boolean) => Parser.parse(code, {
  ecmaVersion: 'latest', sourceType: isModule ? 'module' : 'script', allowHashBang: true,
  allowReturnOutsideFunction: !isModule, allowAwaitOutsideFunction: isModule,
}) as unknown as Node;

/** `return` statements without a value: instrumenting adds none (one more is a body cut off by ASI after our `return`). */
function bareReturns(ast: Node): number {
  let n = 0;
  const visit = (node: Node) => {
    if (node.type === 'ReturnStatement' && node.argument === null) n++;
    for (const c of children(node)) visit(c);
  };
  visit(ast);
  return n;
}

/** Calls whose first argument is our temporary's assignment: an instrumented await glued to the expression before it. */
function gluedAwaits(ast: Node): number {
  let n = 0;
  const visit = (node: Node) => {
    if (node.type === 'CallExpression' && node.arguments[0]?.type === 'AssignmentExpression' && node.arguments[0].left.type === 'Identifier' && node.arguments[0].left.name === '__clT$') n++;
    for (const c of children(node)) visit(c);
  };
  visit(ast);
  return n;
}

/**
 * Instruments each file of the corpus as `prepare` makes it from its text (undefined: skipped) and
 * checks the output: it parses as what the file parses as (an ES module: .mjs, or import/export;
 * else a script), no await of ours is glued to the expression before it, and no function body is
 * cut off after our return. Returns how many were instrumented, and what was broken.
 */
function instrumentEach(files: string[], prepare: (text: string, isModule: boolean) => string | undefined): { instrumented: number; broken: string[] } {
  let instrumented = 0;
  const broken: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let isModule = file.endsWith('.mjs');
    let parsed: Node;
    try { parsed = parse(text, isModule); } catch { isModule = !isModule; try { parsed = parse(text, isModule); } catch { continue; } }
    const source = prepare(text, isModule);
    if (source === undefined) continue;
    let original: Node;
    if (source === text) original = parsed;
    else try { original = parse(source, isModule); } catch { continue; }
    const out = instrument({ source, file, isModule, syncNames: new Set(['readFileSync']), poolNames: new Set(['readFile']) });
    if (!out || out.code === source) continue;
    instrumented++;
    let ast: Node;
    try { ast = parse(out.code, isModule); } catch (e) { broken.push(`${file}: ${(e as Error).message}`); continue; }
    const glued = gluedAwaits(ast);
    if (glued > 0) broken.push(`${file}: ${glued} await(s) glued to the expression before`);
    const cut = bareReturns(ast) - bareReturns(original);
    if (cut > 0) broken.push(`${file}: ${cut} function bod(ies) cut off after our return`);
  }
  return { instrumented, broken };
}

describe('instrument: the installed packages\' own files', () => {
  it('instruments a thousand of them; each still parses, and no await of ours is glued to the line before it', () => {
    const files = corpus();
    const { instrumented, broken } = instrumentEach(files, (text) => text);
    console.log(`corpus: ${files.length} files, ${instrumented} instrumented`);
    assert.ok(instrumented >= 500, `only ${instrumented} of ${files.length} files were instrumented: the corpus is too small to say anything`);
    assert.deepEqual(broken.slice(0, 10), [], `${broken.length} of ${instrumented} instrumented files broken`);
  });
});

describe('instrument: the same files minified', () => {
  // Production bundles and published builds are minified: no space where none is needed
  // (`async()=>await get()`), one line. A body that begins right at its arrow was wrapped by the
  // await's `(__clT$=` before the function's own prologue, and the program failed to load with a
  // SyntaxError.
  it('each minified file instrumented still parses, with no await glued and no body cut off', () => {
    const files = corpus();
    const { instrumented, broken } = instrumentEach(files, (text, isModule) => {
      try { return transformSync(text, { minify: true, loader: 'js', ...(isModule ? { format: 'esm' as const } : {}) }).code; } catch { return undefined; }
    });
    console.log(`minified corpus: ${files.length} files, ${instrumented} instrumented`);
    assert.ok(instrumented >= 500, `only ${instrumented} of ${files.length} minified files were instrumented`);
    assert.deepEqual(broken.slice(0, 10), [], `${broken.length} of ${instrumented} instrumented minified files broken`);
  });
});
