import type { FieldProblem } from './errors';

/*
 * The text rules every request shares, checked before anything reaches storage. PostgreSQL cannot
 * store NUL in text and SQLite can, so without one rule in front the two engines would disagree
 * about the same request (a 500 on one, a stored oddity on the other).
 */

/** Free text (names, summaries, transcripts) may hold tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex
const TEXT_CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
/** Identifiers (ids, query parameters, path segments, client_id) hold no control character at all. */
// eslint-disable-next-line no-control-regex
const IDENTIFIER_CONTROLS = /[\x00-\x1f\x7f]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextKind = 'text' | 'identifier';

/** What is wrong with a string a client sent, or undefined when it may be used. */
export function textProblem(value: string, kind: TextKind): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL (\\u0000)';
  if ((kind === 'text' ? TEXT_CONTROLS : IDENTIFIER_CONTROLS).test(value))
    return kind === 'text'
      ? 'must not contain control characters other than tab and line breaks'
      : 'must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

const MAX_DEPTH = 64;

/**
 * Fields of free text that are names or identifiers by the contract's camelCase convention (id,
 * campaignId, companyName, triggerName, …): held to the identifier rule, so a name carries no line
 * break or tab either.
 */
const IDENTIFIER_FIELD = /^(id|[a-z][A-Za-z0-9]*(Id|Name)|provider)$/;

/**
 * The first problem among the strings (keys and values) of a parsed body or query, named by its
 * dotted path as validation names fields. Undefined when every string may be used.
 */
export function firstTextProblem(value: unknown, kind: TextKind, field = ''): FieldProblem | undefined {
  return walk(value, kind, field, 0);
}

function walk(value: unknown, kind: TextKind, field: string, depth: number): FieldProblem | undefined {
  if (typeof value === 'string') {
    const message = textProblem(value, kind);
    return message ? { field: field || '(body)', message } : undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH)
    return { field: field || '(body)', message: `nests deeper than ${MAX_DEPTH} levels` };
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  for (const [key, item] of entries) {
    // A bad key is shown escaped, so the error names it without carrying the control character.
    const shown = JSON.stringify(key).slice(1, -1);
    const child = field ? `${field}.${shown}` : shown;
    const keyMessage = Array.isArray(value) ? undefined : textProblem(key, 'identifier');
    if (keyMessage) return { field: child, message: `is a field name that ${keyMessage}` };
    const itemKind = !Array.isArray(value) && IDENTIFIER_FIELD.test(key) ? 'identifier' : kind;
    const problem = walk(item, itemKind, child, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}
