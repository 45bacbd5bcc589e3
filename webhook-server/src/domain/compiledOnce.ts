import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';
import type { Db } from './db';

/** Stand-ins for the arguments while compiling: no real value starts with a NUL character. */
const marker = (index: number) => `\u0000compiledOnce:${index}`;

type Slot = { argument: number } | { constant: unknown };

/** What a compiled query's arguments may be: values SQLite and PostgreSQL bind as they are. */
export type Bound = string | number | null;

/**
 * A query built and compiled by Kysely once per database, then run with new argument values.
 * Building a query (a tree of frozen nodes) and compiling it to SQL text cost more CPU than
 * running the prepared statement on SQLite; for the few queries every API request runs, that is
 * most of their price. The builder receives marker strings in place of its arguments, so it must
 * pass each one through as a bound value, never inspect or transform it (a marker stands in for a
 * number or null too: it is only ever bound).
 */
export function compiledOnce<Args extends Bound[], Row>(
  build: (db: Db, ...args: Args) => Compilable<Row>,
): (db: Db, ...args: Args) => Promise<QueryResult<Row>> {
  // Keyed by the dialect's adapter: one per database, shared by its transactions.
  const compiled = new WeakMap<object, { query: CompiledQuery<Row>; slots: Slot[] }>();
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let entry = compiled.get(adapter);
    if (!entry) {
      const markers = args.map((_arg, index) => marker(index)) as unknown as Args;
      const query = build(db, ...markers).compile();
      const slots = query.parameters.map((value): Slot => {
        const argument = markers.indexOf(value as Bound);
        return argument >= 0 ? { argument } : { constant: value };
      });
      if (markers.some((value) => !query.parameters.includes(value)))
        throw new Error('compiledOnce: the builder must bind every argument as a parameter');
      entry = { query, slots };
      compiled.set(adapter, entry);
    }
    const parameters = entry.slots.map((slot) => ('argument' in slot ? args[slot.argument] : slot.constant));
    return db.executeQuery<Row>({ ...entry.query, parameters });
  };
}

/**
 * A row of `columns` from values given in the same order: for a compiled insert whose every column
 * is an argument (`compiledOnce((db, ...values: Bound[]) => db.insertInto(t).values(rowOf(cols, values)))`).
 */
export function rowOf<Column extends string>(
  columns: readonly Column[],
  values: readonly Bound[],
): Record<Column, Bound> {
  return Object.fromEntries(columns.map((column, index) => [column, values[index]])) as Record<Column, Bound>;
}
