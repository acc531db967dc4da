import { builtinModules } from 'node:module';
import { Node, children, patternNames, calleeName, rootIdentifier, directCallee } from './ast';

/**
 * Which local names stand for Node's I/O modules or their functions, from `require()` calls
 * and imports anywhere in the file: `const fs = require('fs')`, `import { readFile } from
 * 'node:fs/promises'`, `const { promises: fsp } = require('fs')`, and a promisified one of those
 * functions: `const hash = promisify(pbkdf2)` (or of `crypto.pbkdf2`) stands for pbkdf2. Shadowing
 * is ignored.
 */
export interface ModuleBindings {
  /** Local name → module ('fs', 'crypto', …) for whole-module bindings. */
  modules: Map<string, string>;
  /** Local name → exported function name, for destructured or named imports. */
  functions: Map<string, string>;
  /** Local names bound to a dependency (a package from node_modules), one of its functions, or what one of those made (libraryInstances). */
  libraries: Set<string>;
  /** Local name → the name of what it promisifies, for every `const name = promisify(f)` (`util.promisify(cp.execFile)`: 'execFile'), bound or not. */
  promisified: Map<string, string>;
  /**
   * Node's promise I/O (timers/promises, fs/promises, dns/promises, stream/promises): local names
   * of its functions (`import { setTimeout as sleep } from 'node:timers/promises'`, `const {
   * readFile } = require('fs/promises')`) and of its modules (`import fsp from 'fs/promises'`,
   * `const { promises: fsp } = require('fs')`). An await of their calls waits on Node, never on
   * work of the program's (runtime.ts, demoteWrapper).
   */
  nodeIo: { functions: Set<string>; modules: Set<string> };
}

const PROMISE_MODULES = new Set(['timers/promises', 'fs/promises', 'dns/promises', 'stream/promises']);
/** 'timers/promises' for `node:timers/promises` or `timers/promises`, else null. */
function promiseModuleOf(spec: unknown): string | null {
  if (typeof spec !== 'string') return null;
  const m = spec.startsWith('node:') ? spec.slice(5) : spec;
  return PROMISE_MODULES.has(m) ? m : null;
}

const MODULES = new Set(['fs', 'fs/promises', 'child_process', 'zlib', 'crypto', 'dns', 'dns/promises']);
const BUILTINS = new Set(builtinModules);

/** A bare specifier that is not a Node built-in: a package from node_modules. */
function isPackage(spec: unknown): boolean {
  if (typeof spec !== 'string' || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || /^[A-Za-z]:/.test(spec)) return false;
  return !BUILTINS.has(spec) && !BUILTINS.has(spec.split('/')[0]);
}

/**
 * Compilers' wrappers of a required module: esbuild's `__toESM`/`__toCommonJS`, tsc's
 * `__importDefault`/`__importStar` (also `tslib.__importDefault`), Babel's
 * `_interopRequireDefault`/`_interopRequireWildcard`, SWC's `_interop_require_default`, Rollup's
 * `_interopDefault`/`_interopNamespaceDefault`.
 */
const INTEROP = /^(__to(ESM|CommonJS)|__import(Default|Star)|_interop\w*)$/;

/** A call of an interop wrapper: `__importDefault(…)`, `tslib_1.__importDefault(…)`, SWC's `_interop_require_default._(…)`. */
function isInterop(n: Node): boolean {
  if (n.type !== 'CallExpression') return false;
  const callee = n.callee;
  return INTEROP.test(calleeName(callee)) || (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && INTEROP.test(callee.object.name));
}

/**
 * The specifier of `require('x')`, of a compiler's wrapper of it (INTEROP), or of a member of
 * either (`require('p-limit').default`), or undefined.
 */
function requireSpecifier(n: Node | null | undefined): unknown {
  if (!n) return undefined;
  if (n.type === 'MemberExpression' && !n.computed) return requireSpecifier(n.object);
  if (isInterop(n)) return requireSpecifier(n.arguments[0]);
  if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') return n.arguments[0].value;
  return undefined;
}

function moduleOf(spec: unknown): string | null {
  if (typeof spec !== 'string') return null;
  const m = spec.startsWith('node:') ? spec.slice(5) : spec;
  return MODULES.has(m) ? m : null;
}

/** `require('fs')`, `require('fs').promises`, or null. */
function requiredModule(n: Node | null | undefined): string | null {
  if (!n) return null;
  if (n.type === 'MemberExpression' && !n.computed && n.property.name === 'promises') return requiredModule(n.object);
  if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') {
    return moduleOf(n.arguments[0].value);
  }
  // Compilers' CommonJS output: `__toESM(require("fs"))` (esbuild), `__importStar(require("fs"))` (tsc), … (INTEROP).
  if (isInterop(n)) return requiredModule(n.arguments[0]);
  if (n.type === 'AwaitExpression' && n.argument.type === 'ImportExpression' && n.argument.source.type === 'Literal') return moduleOf(n.argument.source.value);
  return null;
}

export function collectModuleBindings(ast: Node): ModuleBindings {
  const modules = new Map<string, string>();
  const functions = new Map<string, string>();
  const libraries = new Set<string>();
  const promisified: Node[] = [];
  const nodeIo = { functions: new Set<string>(), modules: new Set<string>() };
  /** `name = callee(…)`, `new callee(…)` or `await callee(…)`: an instance of a library if the callee is one's (libraryInstances). */
  const made: { name: string; callee: Node }[] = [];
  const visit = (n: Node) => {
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init?.type === 'CallExpression' && calleeName(n.init) === 'promisify') promisified.push(n);
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) {
      const init = n.init.type === 'AwaitExpression' ? n.init.argument : n.init;
      if (init.type === 'CallExpression' || init.type === 'NewExpression') made.push({ name: n.id.name, callee: init.callee });
    }
    if (n.type === 'ImportDeclaration' && isPackage(n.source.value)) for (const s of n.specifiers) libraries.add(s.local.name);
    if (n.type === 'ImportDeclaration' && promiseModuleOf(n.source.value)) {
      for (const s of n.specifiers) (s.type === 'ImportSpecifier' ? nodeIo.functions : nodeIo.modules).add(s.local.name);
    }
    if (n.type === 'VariableDeclarator' && n.init) {
      const init = n.init.type === 'AwaitExpression' ? n.init.argument : n.init;
      const promises = init.type === 'MemberExpression' && !init.computed && init.property.name === 'promises' && /^(fs|dns)$/.test(requiredModule(init.object) ?? '');
      if (promises || (init.type === 'ImportExpression' && promiseModuleOf(init.source.value)) || promiseModuleOf(requireSpecifier(init))) {
        // `require('timers/promises').setTimeout` is one of its functions; the rest, the module.
        const fn = init.type === 'MemberExpression' && !promises;
        if (n.id.type === 'Identifier') (fn ? nodeIo.functions : nodeIo.modules).add(n.id.name);
        else for (const name of patternNames(n.id)) nodeIo.functions.add(name);
      } else if (n.id.type === 'ObjectPattern' && /^(fs|dns)$/.test(requiredModule(init) ?? '')) {
        for (const p of n.id.properties) if (p.type === 'Property' && !p.computed && (p.key.name ?? p.key.value) === 'promises' && p.value.type === 'Identifier') nodeIo.modules.add(p.value.name);
      }
    }
    if (n.type === 'VariableDeclarator' && isPackage(requireSpecifier(n.init))) for (const name of patternNames(n.id)) libraries.add(name);
    if (n.type === 'ImportDeclaration') {
      const m = moduleOf(n.source.value);
      if (m) for (const s of n.specifiers) {
        if (s.type === 'ImportSpecifier') functions.set(s.local.name, s.imported.name ?? s.imported.value);
        else modules.set(s.local.name, m);
      }
    } else if (n.type === 'VariableDeclarator') {
      const m = requiredModule(n.init);
      if (m && n.id.type === 'Identifier') modules.set(n.id.name, m);
      else if (m && n.id.type === 'ObjectPattern') {
        for (const p of n.id.properties) {
          if (p.type !== 'Property' || p.computed) continue;
          const key = p.key.name ?? p.key.value;
          if (key === 'promises' && p.value.type === 'Identifier') modules.set(p.value.name, m);
          else if (p.value.type === 'Identifier') functions.set(p.value.name, key);
        }
      }
    }
    for (const c of children(n)) visit(c);
  };
  visit(ast);
  // Once every binding is known: `const hash = util.promisify(crypto.pbkdf2)` calls pbkdf2.
  const promisifiedNames = new Map<string, string>();
  for (const n of promisified) {
    const f = n.init.arguments[0];
    if (f) promisifiedNames.set(n.id.name, calleeName(f));
    const name = f?.type === 'Identifier' ? functions.get(f.name)
      : f?.type === 'MemberExpression' && !f.computed && (modules.has(rootIdentifier(f.object) ?? '') || requiredModule(f.object)) ? f.property.name : undefined;
    if (name) functions.set(n.id.name, name);
  }
  libraryInstances(made, libraries);
  return { modules, functions, libraries, promisified: promisifiedNames, nodeIo };
}

/** The bindings of the file whose Program node is `root`, collected once (kept on the node, as `children` keeps its list). */
export function moduleBindingsOf(root: Node): ModuleBindings {
  return (root.__moduleBindings as ModuleBindings | undefined) ??= collectModuleBindings(root);
}

/**
 * Names bound to what a library's function or class made (`const md = markdownit()`, `const app =
 * express()`, `require('fastify')()`, `const pool = new Pool()`, `const client = await pool.connect()`) are the library's
 * too: their methods run its code. Added to `libraries` until none is left (a chain, pool then
 * client). `md.render(text)` was no call into a dependency: markdown-it's 27 ms of CPU in it read
 * "blocked the event loop … in MarkdownIt.render ← (anonymous)" at the start of the function that
 * called it, not at the call.
 */
function libraryInstances(made: { name: string; callee: Node }[], libraries: Set<string>): void {
  for (let added = true; added;) {
    added = false;
    for (const m of made) {
      if (libraries.has(m.name)) continue;
      const callee = directCallee(m.callee);
      const root = rootIdentifier(callee);
      if ((root !== undefined && libraries.has(root)) || isPackage(requireSpecifier(callee))) { libraries.add(m.name); added = true; }
    }
  }
}
