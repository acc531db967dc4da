import { Node, FUNCTION_TYPES, children, patternNames } from './ast';

/**
 * The node that declares `name` where `from` is, by JavaScript's scoping rules: a
 * VariableDeclarator, a FunctionDeclaration or ClassDeclaration, a function's parameter, a catch
 * clause's parameter, an import specifier, or a function expression (its own name). Undefined
 * for a global or a name declared nowhere in the file. The tree must have been through
 * `prepare` (parents). Declarations made by `eval` or `with` are not seen.
 */
export function declarationOf(name: string, from: Node): Node | undefined {
  for (let n: Node | undefined = from.__parent; n; n = n.__parent) {
    const d = declaredIn(n, name);
    if (d) return d;
  }
  return undefined;
}

function declaredIn(scope: Node, name: string): Node | undefined {
  switch (scope.type) {
    case 'Program': case 'BlockStatement': case 'StaticBlock':
      return inStatements(scope.body, name) ?? (scope.type === 'BlockStatement' && FUNCTION_TYPES.has(scope.__parent?.type) ? hoistedVar(scope, name) : undefined);
    case 'SwitchStatement':
      for (const c of scope.cases) { const d = inStatements(c.consequent, name); if (d) return d; }
      return undefined;
    case 'ForStatement': case 'ForInStatement': case 'ForOfStatement': {
      const head = scope.type === 'ForStatement' ? scope.init : scope.left;
      return head?.type === 'VariableDeclaration' ? declarator(head, name) : undefined;
    }
    case 'CatchClause':
      return scope.param && patternNames(scope.param).includes(name) ? scope.param : undefined;
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
      for (const p of scope.params) if (patternNames(p).includes(name)) return p;
      return scope.type === 'FunctionExpression' && scope.id?.name === name ? scope : undefined;
    case 'ClassExpression':
      return scope.id?.name === name ? scope : undefined;
  }
  return undefined;
}

/** Declarations among a block's own statements (a module's imports and exports too). */
function inStatements(statements: Node[], name: string): Node | undefined {
  for (let s of statements) {
    if (s.type === 'ImportDeclaration') { for (const sp of s.specifiers) if (sp.local.name === name) return sp; continue; }
    if ((s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration') && s.declaration) s = s.declaration;
    if (s.type === 'VariableDeclaration') { const d = declarator(s, name); if (d) return d; }
    else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id?.name === name) return s;
  }
  return undefined;
}

/** A `var` anywhere in a function's body (not in functions inside it): it is the function's. */
function hoistedVar(body: Node, name: string): Node | undefined {
  for (const c of children(body)) {
    if (FUNCTION_TYPES.has(c.type) || c.type === 'ClassDeclaration' || c.type === 'ClassExpression') continue;
    if (c.type === 'VariableDeclaration' && c.kind === 'var') { const d = declarator(c, name); if (d) return d; }
    const inner = hoistedVar(c, name);
    if (inner) return inner;
  }
  return undefined;
}

function declarator(decl: Node, name: string): Node | undefined {
  return decl.declarations.find((d: Node) => patternNames(d.id).includes(name));
}
