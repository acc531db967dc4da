import { Node, children } from './ast';

/**
 * Functions of the file handed to a dependency by name (`limit(getOne, n)`, `queue.add(task)`)
 * instead of written at the call: what they return is work the dependency runs on the program's
 * behalf, as for a function written there (transform.ts, handsWork). p-limit(4) over 40
 * `limit(getOne, n)` read "concurrency max 40" beside "HTTP requests: max 4 in flight".
 *
 * Only names that are certain: declared once in the file, as a function that is not a generator
 * (`function f`, `const f = (…) => …`), not exported, and named nowhere else but as an argument
 * of such calls (`isHandingCall`). A function the program also calls itself, passes elsewhere,
 * exports or shadows is left out: what it returns would count as work started whenever it runs.
 * Returns name → the function. The tree must have been through `prepare` (parents).
 */
export function functionsHandedByName(ast: Node, isHandingCall: (call: Node) => boolean): Map<string, Node> {
  const uses = new Map<string, number>();
  const handed = new Map<string, number>();
  /** Name → its function, or null when not certain. */
  const declared = new Map<string, Node | null>();
  const declare = (name: string, fn: Node, statement: Node) => {
    const exported = /^Export/.test(statement.__parent?.type ?? '');
    // Declared again, a generator, or exported (another module's to call too): never certain.
    declared.set(name, declared.has(name) || fn.generator || exported ? null : fn);
  };
  const visit = (n: Node) => {
    for (const c of children(n)) {
      if (c.type === 'Identifier') uses.set(c.name, (uses.get(c.name) ?? 0) + 1);
      else if (c.type === 'FunctionDeclaration' && c.id) declare(c.id.name, c, c);
      else if (c.type === 'VariableDeclarator' && c.id.type === 'Identifier' && (c.init?.type === 'ArrowFunctionExpression' || c.init?.type === 'FunctionExpression')) declare(c.id.name, c.init, n);
      else if (c.type === 'CallExpression' && c.arguments.some((a: Node) => a.type === 'Identifier') && isHandingCall(c)) {
        for (const a of c.arguments) if (a.type === 'Identifier') handed.set(a.name, (handed.get(a.name) ?? 0) + 1);
      }
      visit(c);
    }
  };
  visit(ast);
  const out = new Map<string, Node>();
  for (const [name, times] of handed) {
    const fn = declared.get(name);
    // Its declaration's own name, and the calls it is handed to: no other use.
    if (fn && uses.get(name) === 1 + times) out.set(name, fn);
  }
  return out;
}
