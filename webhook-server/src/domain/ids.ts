import { ulidFactory } from './ulid';

const ulid = ulidFactory();

/** Sortable ids (ULID) with a type prefix: newer ids sort after older ones, which cursors rely on. */
export function newId(
  prefix:
    'acc' | 'key' | 'cmp' | 'evt' | 'led' | 'pur' | 'sub' | 'dlv' | 'att' | 'call' | 'cli' | 'grt' | 'tok',
): string {
  return `${prefix}_${ulid()}`;
}
