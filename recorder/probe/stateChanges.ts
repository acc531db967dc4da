import { Node, calleeName, children, propertyNamed } from './ast';
import { commandChangesState } from './commandEffects';

/**
 * Calls that change state other calls read: a record created, a row inserted, a file written, a
 * message sent. The awaits around such a call are ordered by what it changes, not by the values
 * they pass: `await api.post('/items', x)` then `await api.get('/items')` expects to see the new
 * item, and gathered, the GET may run first. The data flow the grouping follows cannot see that
 * (the state lives in a server, a database or a file), so an await of a call that changes state is
 * never gathered with the awaits around it.
 *
 * Read from the call and the calls it is chained on (`request(app).post('/x').send(body)`):
 *  - a SQL statement given as a literal decides for its call: `query('INSERT …')` changes state,
 *    `execute('SELECT …')` and `db.exec('SELECT …')` do not;
 *  - a call that runs another program changes state unless its command only reads
 *    (`commandEffects.ts`: `exec('npm run build')` does, `exec('git rev-parse HEAD')` does not);
 *  - else an HTTP method in an options object (`fetch(url, { method: 'POST' })`, `app.inject({
 *    method })`): any but GET, HEAD and OPTIONS changes state, as does one not written as a
 *    literal, except a GraphQL query's POST (`isGraphqlQuery`);
 *  - else a write verb in the called name's words (camelCase, snake_case): anywhere for verbs that
 *    are no nouns (`insertOne`, `findOneAndUpdate`, `getOrCreate`, `deleteMany`), first for those
 *    that are (`post`, `setItem` and `sendEmail`, but not `getPost`), and for what prepares state
 *    later calls use (`login`, `signIn`, `init`, `start`, `listen`, `migrate`).
 * What names no such thing (`getUser`, `fetch(url)`, `query(sql)` with the SQL in a variable)
 * counts as a read, and may be gathered as before. A read named like a write (`getOrCreate` that
 * finds one) loses its finding: a finding missed, never a wrong one.
 */
export function changesState(call: Node): boolean {
  for (let n: Node = call; n.type === 'CallExpression'; ) {
    const verdict = callChangesState(n);
    if (verdict !== undefined) return verdict;
    let callee = n.callee;
    while (callee.type === 'MemberExpression') {
      if (callee.object.type === 'CallExpression') break;
      callee = callee.object;
    }
    if (callee.type !== 'MemberExpression') break;
    n = callee.object;
  }
  return false;
}

/** Write verbs that are a write wherever they stand in a called name (`findOneAndUpdate`, `getOrCreate`). */
const WRITE_WORDS = new Set([
  'create', 'insert', 'update', 'upsert', 'delete', 'remove', 'destroy', 'replace', 'save', 'write', 'append',
  'unlink', 'mkdir', 'rmdir', 'rename', 'truncate', 'increment', 'decrement', 'enqueue', 'publish', 'persist',
  'mutate', 'upload',
]);
/** Verbs that are nouns too (`getPost`, `loadStore`, `getCommits`): a write only as the name's first word (`post`, `setItem`). */
const WRITE_VERBS_FIRST = new Set([
  'post', 'put', 'patch', 'set', 'send', 'emit', 'push', 'add', 'register', 'del', 'rm', 'store', 'commit', 'drop',
  'clear', 'reset', 'copy', 'move', 'submit', 'modify', 'install', 'deploy', 'incr', 'decr', 'lpush', 'rpush',
  'hset', 'hdel', 'sadd', 'srem', 'zadd', 'zrem', 'expire', 'cp', 'mv', 'link', 'symlink', 'chmod', 'chown',
  // What prepares state the calls after it use: a session's cookie, a client's configuration, a
  // server listening, a schema migrated (`const session = await client.login(c); const me = await
  // client.getProfile()`).
  'login', 'logout', 'signin', 'signup', 'signout', 'authenticate', 'authorize', 'init', 'initialize', 'setup',
  'start', 'bootstrap', 'boot', 'launch', 'listen', 'configure', 'migrate', 'seed', 'subscribe', 'enable',
  'disable', 'activate',
]);
/** SQL statements that change state, and that read: a literal's first keyword, after comments, then a blank (`'update:42'` is a key). */
const SQL_WRITE = /^(insert|update|delete|merge|upsert|replace|create|alter|drop|truncate|grant|revoke|call|exec|execute|copy|lock|vacuum|set)\s/i;
const SQL_READ = /^(select|show|explain|describe|values|table)\s/i;
/** A transaction's own statements, often alone in their literal (`query('BEGIN')`). */
const SQL_TRANSACTION = /^(begin|commit|rollback|savepoint|release|start\s+transaction)(\s|;|$)/i;
/** `WITH … AS (…) INSERT …`: a common table expression, then what the statement does. */
const SQL_WITH = /^with\s/i;
const SQL_WRITES_WITHIN = /\b(insert|update|delete|merge)\s/i;
const READ_METHODS = /^(get|head|options)$/i;

/** One call's verdict: true or false when it says, undefined when its name and arguments say nothing. */
function callChangesState(call: Node): boolean | undefined {
  // SQL first: a database's `exec('SELECT …')` is named as child_process's runner is.
  const sql = sqlText(call.arguments[0]);
  if (sql !== undefined) {
    if (SQL_WRITE.test(sql) || SQL_TRANSACTION.test(sql)) return true;
    if (SQL_READ.test(sql)) return false;
    if (SQL_WITH.test(sql)) return SQL_WRITES_WITHIN.test(sql);
  }
  const command = commandChangesState(call);
  if (command !== undefined) return command;
  for (const arg of call.arguments) {
    const v = propertyNamed(arg, 'method');
    if (v === undefined) continue;
    if (v.type === 'Literal' && typeof v.value === 'string' && READ_METHODS.test(v.value)) return false;
    return !isGraphqlQuery(call);
  }
  const w = words(calleeName(call));
  const first = w[0] === 'sign' || w[0] === 'log' ? w[0] + (w[1] ?? '') : w[0]; // signIn, logIn: one verb
  return WRITE_VERBS_FIRST.has(first) || w.some((x) => WRITE_WORDS.has(x)) ? true : undefined;
}

/**
 * A GraphQL query sent by POST (its reads go by POST too): the URL says graphql and no text in
 * the call says `mutation`. `fetch('https://api.github.com/graphql', { method: 'POST', body })`.
 */
function isGraphqlQuery(call: Node): boolean {
  let graphql = false, mutation = false;
  const visit = (n: Node) => {
    const text = n.type === 'Literal' && typeof n.value === 'string' ? n.value
      : n.type === 'TemplateElement' ? String(n.value.cooked ?? '') : undefined;
    if (text !== undefined) { if (/graphql/i.test(text)) graphql = true; if (/\bmutation\b/.test(text)) mutation = true; }
    for (const c of children(n)) visit(c);
  };
  for (const a of call.arguments) visit(a);
  return graphql && !mutation;
}

/** The text a string or template literal starts with, comments and blanks stripped; undefined for other nodes. */
function sqlText(arg: Node | undefined): string | undefined {
  let text: string | undefined;
  if (arg?.type === 'Literal' && typeof arg.value === 'string') text = arg.value;
  else if (arg?.type === 'TemplateLiteral') text = arg.quasis[0]?.value.cooked ?? undefined;
  if (text === undefined) return undefined;
  return text.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
}

/** `findOneAndUpdate` → find, one, and, update; `find_or_create` → find, or, create; `$executeRaw` → execute, raw. */
function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}
