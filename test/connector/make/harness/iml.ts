import { createHash } from 'node:crypto';

/*
 * The subset of Make's IML (the {{…}} expressions in the app's files) that the Atlas app uses,
 * evaluated the way Make documents it, so the tests can run each component against the server.
 *
 * Subset: literals ('text', "text", numbers, true, false, null); variable paths (a.b, a['b'],
 * a[0]); calls of the functions in FUNCTIONS; binary +, <, <=, >, >=, =, !=; parentheses. A
 * string that is one {{…}} keeps the value's type; otherwise the parts are joined as text.
 * Anything else — another operator, function, or an unknown variable root — throws, naming the
 * construct, so the app cannot start using IML that these tests do not really evaluate.
 */

export type Scope = Record<string, unknown>;

export class ImlSubsetError extends Error {}

type Node =
  | { kind: 'literal'; value: unknown }
  | { kind: 'path'; root: string; keys: Array<string | number> }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'binary'; op: string; left: Node; right: Node };

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$]*)|(<=|>=|!=|[<>=+(),.[\]]))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match)
      throw new ImlSubsetError(`IML outside the tested subset at "${source.slice(start)}" in {{${source}}}`);
    if (match[1] !== undefined) tokens.push(`#${match[1]}`);
    else if (match[2] !== undefined) tokens.push(`'${match[2].replace(/\\(.)/g, '$1')}`);
    else if (match[3] !== undefined) tokens.push(`'${match[3].replace(/\\(.)/g, '$1')}`);
    else tokens.push(match[4] ?? match[5]!);
  }
  return tokens;
}

const COMPARISONS = new Set(['<', '<=', '>', '>=', '=', '!=']);

export function parse(source: string): Node {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new ImlSubsetError(`IML: expected ${expected ?? 'more'} in {{${source}}}`);
    return token;
  };
  const primary = (): Node => {
    const token = take();
    if (token.startsWith('#')) return { kind: 'literal', value: Number(token.slice(1)) };
    if (token.startsWith("'")) return { kind: 'literal', value: token.slice(1) };
    if (token === '(') {
      const inner = comparison();
      take(')');
      return inner;
    }
    if (!/^[A-Za-z_$]/.test(token)) throw new ImlSubsetError(`IML: unexpected "${token}" in {{${source}}}`);
    if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
    if (token === 'null') return { kind: 'literal', value: null };
    if (peek() === '(') {
      take('(');
      const args: Node[] = [];
      while (peek() !== ')') {
        args.push(comparison());
        if (peek() === ',') take(',');
      }
      take(')');
      return { kind: 'call', name: token, args };
    }
    const keys: Array<string | number> = [];
    while (peek() === '.' || peek() === '[') {
      if (take() === '.') keys.push(take());
      else {
        const key = take();
        keys.push(key.startsWith('#') ? Number(key.slice(1)) : key.slice(1));
        take(']');
      }
    }
    return { kind: 'path', root: token, keys };
  };
  const additive = (): Node => {
    let left = primary();
    while (peek() === '+') {
      take();
      left = { kind: 'binary', op: '+', left, right: primary() };
    }
    return left;
  };
  const comparison = (): Node => {
    const left = additive();
    const op = peek();
    if (op !== undefined && COMPARISONS.has(op)) {
      take();
      return { kind: 'binary', op, left, right: additive() };
    }
    return left;
  };
  const node = comparison();
  if (at < tokens.length)
    throw new ImlSubsetError(`IML outside the tested subset: "${tokens[at]}" in {{${source}}}`);
  return node;
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';
const asDate = (value: unknown): Date => {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new ImlSubsetError(`IML: ${String(value)} is not a date`);
  return date;
};
const comparable = (value: unknown) =>
  value instanceof Date
    ? value.getTime()
    : typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)
      ? Date.parse(value)
      : value;

export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  if: (condition, then, otherwise) => (condition && condition !== '' ? then : otherwise),
  ifempty: (value, fallback) => (isEmpty(value) ? fallback : value),
  join: (list, separator) => {
    if (!Array.isArray(list)) throw new ImlSubsetError('IML join: the first argument must be an array');
    return list.map(asText).join(asText(separator));
  },
  addSeconds: (date, seconds) => new Date(asDate(date).getTime() + Number(seconds) * 1000),
  addMinutes: (date, minutes) => new Date(asDate(date).getTime() + Number(minutes) * 60_000),
  sha256: (text) => createHash('sha256').update(asText(text)).digest('hex'),
  encodeURL: (text) => encodeURIComponent(asText(text)),
  // Only the one format and zone the app uses; Make's moment.js tokens are otherwise untested here.
  formatDate: (date, format, zone) => {
    if (format !== 'YYYY-MM-DDTHH' || zone !== 'UTC')
      throw new ImlSubsetError(`IML formatDate: only ('YYYY-MM-DDTHH', 'UTC') is in the tested subset`);
    return asDate(date).toISOString().slice(0, 13);
  },
  toCollection: (list, keyName, valueName) => {
    if (isEmpty(list)) return undefined;
    if (!Array.isArray(list))
      throw new ImlSubsetError('IML toCollection: the first argument must be an array');
    return Object.fromEntries(
      list.map((item: Record<string, unknown>) => [asText(item[asText(keyName)]), item[asText(valueName)]]),
    );
  },
};

export const SUPPORTED_FUNCTIONS = Object.keys(FUNCTIONS);

function evaluateNode(node: Node, scope: Scope): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'path': {
      if (node.root === 'now' && node.keys.length === 0) return scope.now ?? new Date();
      if (!(node.root in scope))
        throw new ImlSubsetError(
          `IML variable "${node.root}" is not available here (known: ${Object.keys(scope).join(', ')})`,
        );
      let value: unknown = scope[node.root];
      for (const key of node.keys)
        value = value === undefined || value === null ? undefined : (value as never)[key];
      return value;
    }
    case 'call': {
      const fn = FUNCTIONS[node.name];
      if (!fn) throw new ImlSubsetError(`IML function ${node.name}() is outside the tested subset`);
      return fn(...node.args.map((arg) => evaluateNode(arg, scope)));
    }
    case 'binary': {
      const left = evaluateNode(node.left, scope);
      const right = evaluateNode(node.right, scope);
      if (node.op === '+')
        return typeof left === 'number' && typeof right === 'number'
          ? left + right
          : asText(left) + asText(right);
      const [a, b] = [comparable(left), comparable(right)] as [number, number];
      if (node.op === '<') return a < b;
      if (node.op === '<=') return a <= b;
      if (node.op === '>') return a > b;
      if (node.op === '>=') return a >= b;
      if (node.op === '=') return a === b;
      return a !== b;
    }
  }
}

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;

/** Every {{…}} source inside a string. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(EXPRESSION)].map((m) => m[1]!);
}

/** Evaluates a string (one expression keeps its type), or an object/array of them, recursively. */
export function evaluate(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{([\s\S]*?)\}\}$/.exec(value);
    if (whole && expressionsIn(value).length === 1) return evaluateNode(parse(whole[1]!), scope);
    return value.replace(EXPRESSION, (_m, source: string) => asText(evaluateNode(parse(source), scope)));
  }
  if (Array.isArray(value)) return value.map((item) => evaluate(item, scope));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, evaluate(item, scope)]));
  return value;
}

/** The variable paths an expression reads (root and keys), for the app's reference checks. */
export function pathsIn(source: string): Array<{ root: string; keys: Array<string | number> }> {
  const found: Array<{ root: string; keys: Array<string | number> }> = [];
  const walk = (node: Node) => {
    if (node.kind === 'path') found.push({ root: node.root, keys: node.keys });
    else if (node.kind === 'call') node.args.forEach(walk);
    else if (node.kind === 'binary') {
      walk(node.left);
      walk(node.right);
    }
  };
  walk(parse(source));
  return found;
}
