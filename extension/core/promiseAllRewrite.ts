/**
 * Plans the `sequential-awaits` quick fix: adjacent statements that each await one independent
 * expression become a single `await Promise.all([...])`. Works on the parsed syntax tree (acorn),
 * and refuses whenever the rewrite could change more than the documented semantics
 * (all operations start at once; the first rejection is what gets thrown).
 */
import { parse, type Comment, type Node, type Options } from 'acorn';
import { full as walkFull } from 'acorn-walk';

export interface RewritePlan {
  /** Character offsets in the source of the text to replace. */
  start: number;
  end: number;
  newText: string;
  /** How many awaits were merged. */
  count: number;
}

export type RewriteResult = { ok: true; plan: RewritePlan } | { ok: false; reason: string };

interface AwaitStatement {
  node: AnyNode;
  kind: 'const' | 'let' | 'var' | 'expression';
  /** The binding pattern (`a`, `{ x }`), absent for `await f();`. */
  pattern?: AnyNode;
  argument: AnyNode;
}

// acorn's ESTree nodes, typed loosely: we read a handful of well-known fields.
type AnyNode = Node & Record<string, any>;

const baseOptions: Options = {
  ecmaVersion: 'latest',
  locations: true,
  allowHashBang: true,
  allowAwaitOutsideFunction: true,
  allowReturnOutsideFunction: true,
  allowImportExportEverywhere: true,
};

function parseProgram(source: string, comments: Comment[]): AnyNode | undefined {
  for (const sourceType of ['module', 'script'] as const) {
    comments.length = 0;
    try {
      return parse(source, { ...baseOptions, sourceType, onComment: comments }) as AnyNode;
    } catch { /* try the other source type */ }
  }
  return undefined;
}

/** `const x = await f()`, `await f()` — one await, directly, per statement. */
function asAwaitStatement(node: AnyNode): AwaitStatement | undefined {
  if (node.type === 'ExpressionStatement' && node.expression.type === 'AwaitExpression') {
    return { node, kind: 'expression', argument: node.expression.argument };
  }
  if (node.type === 'VariableDeclaration' && ['const', 'let', 'var'].includes(node.kind) && node.declarations.length === 1) {
    const [declarator] = node.declarations;
    if (declarator.init?.type === 'AwaitExpression') {
      return { node, kind: node.kind, pattern: declarator.id, argument: declarator.init.argument };
    }
  }
  return undefined;
}

/** Every statement list in the program: bodies of the program, blocks, static blocks and switch cases. */
function statementLists(program: AnyNode): AnyNode[][] {
  const lists: AnyNode[][] = [program.body];
  walkFull(program, (node: AnyNode) => {
    if ((node.type === 'BlockStatement' || node.type === 'StaticBlock') && Array.isArray(node.body)) lists.push(node.body);
    if (node.type === 'SwitchCase') lists.push(node.consequent);
  });
  return lists;
}

function identifierNames(node: AnyNode): Set<string> {
  const names = new Set<string>();
  walkFull(node, (n: AnyNode) => { if (n.type === 'Identifier') names.add(n.name); });
  return names;
}

function containsAwaitOrYield(node: AnyNode): boolean {
  let found = false;
  walkFull(node, (n: AnyNode) => { if (n.type === 'AwaitExpression' || n.type === 'YieldExpression') found = true; });
  return found;
}

/**
 * @param awaitLines 1-based lines of the awaits the finding named. With one line, the run of
 *   adjacent independent await statements starting there is taken.
 * @param indentUnit what one level of indentation is in this file (e.g. two spaces).
 */
export function planPromiseAll(source: string, awaitLines: number[], indentUnit = '  '): RewriteResult {
  const lines = [...new Set(awaitLines)].sort((a, b) => a - b);
  if (lines.length === 0) return { ok: false, reason: 'no await lines' };
  const comments: Comment[] = [];
  const program = parseProgram(source, comments);
  if (!program) return planInSnippet(source, lines, indentUnit);
  return planInProgram(source, program, comments, lines, indentUnit);
}

/**
 * For files acorn cannot parse as a whole (TypeScript, JSX): when the awaits' own lines, from the
 * first to the last, are plain JavaScript statements, plan the rewrite on just those lines, parsed
 * as the body of an async function. Type annotations on those lines make it refuse.
 */
function planInSnippet(source: string, lines: number[], indentUnit: string): RewriteResult {
  const refusal: RewriteResult = { ok: false, reason: 'the file does not parse as JavaScript and the awaits\' lines are not plain JavaScript statements' };
  if (lines.length < 2) return refusal;
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const from = lineStarts[lines[0] - 1];
  const toLine = lines.at(-1)!;
  const to = toLine < lineStarts.length ? lineStarts[toLine] - 1 : source.length;
  if (from === undefined || to < from) return refusal;
  const prefix = '(async () => {\n';
  const wrapped = `${prefix}${source.slice(from, to)}\n});\n`;
  const comments: Comment[] = [];
  const program = parseProgram(wrapped, comments);
  if (!program) return refusal;
  const result = planInProgram(wrapped, program, comments, lines.map((l) => l - lines[0] + 2), indentUnit);
  if (!result.ok) return result;
  const shift = from - prefix.length;
  return { ok: true, plan: { ...result.plan, start: result.plan.start + shift, end: result.plan.end + shift } };
}

function planInProgram(source: string, program: AnyNode, comments: Comment[], lines: number[], indentUnit: string): RewriteResult {
  // The innermost statement list holding an await statement on the first line.
  let list: AnyNode[] | undefined;
  let first = -1;
  for (const candidate of statementLists(program)) {
    const index = candidate.findIndex((s) => s.loc!.start.line <= lines[0] && lines[0] <= s.loc!.end.line && asAwaitStatement(s));
    if (index >= 0 && (!list || candidate[index].end - candidate[index].start < list[first].end - list[first].start)) {
      list = candidate;
      first = index;
    }
  }
  if (!list) return { ok: false, reason: `no statement of the form \`x = await …\` on line ${lines[0]}` };

  const group: AwaitStatement[] = [];
  const bound = new Set<string>();
  for (let i = first; i < list.length; i++) {
    const statement = asAwaitStatement(list[i]);
    const wanted = lines.length === 1 || lines.some((l) => list[i].loc!.start.line <= l && l <= list[i].loc!.end.line);
    if (!statement || !wanted) break;
    if (containsAwaitOrYield(statement.argument)) break;
    const uses = identifierNames(statement.argument);
    if ([...uses].some((name) => bound.has(name))) break; // depends on an earlier result
    if (group.length > 0 && statement.kind !== 'expression' && group.some((g) => g.kind !== 'expression' && g.kind !== statement.kind)) break;
    group.push(statement);
    if (statement.pattern) for (const name of identifierNames(statement.pattern)) bound.add(name);
    if (lines.length > 1 && !lines.some((l) => l > list[i].loc!.end.line)) break; // covered every named line
  }
  if (lines.length > 1) {
    const last = group.at(-1)?.node;
    if (!last || last.loc!.end.line < lines.at(-1)!) {
      return { ok: false, reason: 'the awaits are not adjacent independent statements (something runs between them or uses an earlier result)' };
    }
  }
  if (group.length < 2) return { ok: false, reason: 'fewer than two adjacent independent awaits' };

  const start = group[0].node.start;
  const end = group.at(-1)!.node.end;
  if (comments.some((c) => c.start >= start && c.end <= end)) {
    return { ok: false, reason: 'comments between the awaits would be lost' };
  }

  const newText = render(source, group, indentUnit);
  if (!parseProgram(source.slice(0, start) + newText + source.slice(end), [])) return { ok: false, reason: 'the rewritten code would not parse' };
  return { ok: true, plan: { start, end, newText, count: group.length } };
}

function render(source: string, group: AwaitStatement[], indentUnit: string): string {
  const text = (n: AnyNode) => source.slice(n.start, n.end);
  const lineStart = source.lastIndexOf('\n', group[0].node.start - 1) + 1;
  const indent = /^[ \t]*/.exec(source.slice(lineStart, group[0].node.start))![0];
  const semicolon = source[group[0].node.end - 1] === ';' ? ';' : '';
  const elements = group.map((g) => (g.argument.type === 'SequenceExpression' ? `(${text(g.argument)})` : text(g.argument)));
  const declared = group.find((g) => g.kind !== 'expression');
  let head = 'await Promise.all(';
  if (declared) {
    // Trailing awaits whose value was dropped need no slot; earlier ones become holes.
    let slots = group.map((g) => (g.pattern ? text(g.pattern) : ''));
    while (slots.at(-1) === '') slots = slots.slice(0, -1);
    head = `${declared.kind} [${slots.join(', ')}] = await Promise.all(`;
  }
  const oneLine = `${head}[${elements.join(', ')}])${semicolon}`;
  if (indent.length + oneLine.length <= 100 && !elements.some((e) => e.includes('\n'))) return oneLine;
  return `${head}[\n${elements.map((e) => `${indent}${indentUnit}${e},\n`).join('')}${indent}])${semicolon}`;
}
