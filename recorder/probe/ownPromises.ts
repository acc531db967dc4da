import { Node } from './ast';
import { declarationOf } from './declarationOf';

/**
 * Whether an await's operand is a name holding the promise of an async function of the file, made
 * before it is awaited: `const p = withTimeout(get(i), 1000); … await p`, `const userP =
 * getUser(id); const ordersP = getOrders(id); const user = await userP`. Such an await waits on
 * that function's own awaits, which are the operations: it is never one itself (runtime.ts, `o`).
 * Its operand starts no await as it is evaluated (it is a name), so it read as a wait on I/O: one
 * request at a time, raced with its timeout, read "concurrency max 1 (+ 1 queued)", the await of
 * `p` standing for both; two lookups started first and then awaited in turn read "max 3".
 *
 * Only where it is certain: the name is a `const` made by a call of a function of the file,
 * declared as async (`async function f`, `const f = async (…) => …`), with awaits of its own
 * (`hasAwaits`), each name resolved by the scoping rules (declarationOf). The tree must have been
 * through `prepare` (parents).
 */
export function awaitsOwnPromise(operand: Node, hasAwaits: (fn: Node) => boolean): boolean {
  if (operand.type !== 'Identifier') return false;
  const d = declarationOf(operand.name, operand);
  if (d?.type !== 'VariableDeclarator' || d.id.type !== 'Identifier' || d.__parent?.kind !== 'const') return false;
  const call = d.init;
  if (call?.type !== 'CallExpression' || call.callee.type !== 'Identifier') return false;
  const f = declarationOf(call.callee.name, call);
  const fn = f?.type === 'FunctionDeclaration' ? f
    : f?.type === 'VariableDeclarator' && f.__parent?.kind === 'const' && f.id.type === 'Identifier' ? f.init : undefined;
  return (fn?.type === 'FunctionDeclaration' || fn?.type === 'FunctionExpression' || fn?.type === 'ArrowFunctionExpression')
    && fn.async && !fn.generator && hasAwaits(fn);
}
