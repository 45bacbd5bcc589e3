import SQLite from 'better-sqlite3';
import { withStatementCache } from '../../../webhook-server/src/db/storage';

describe('SQLite statement cache', () => {
  let sqlite: SQLite.Database;

  beforeEach(() => {
    sqlite = new SQLite(':memory:');
    sqlite.exec('create table t (n integer)');
    sqlite.exec('insert into t values (1), (2), (3)');
  });
  afterEach(() => {
    if (sqlite.open) sqlite.close();
  });

  test('when the same SQL comes again, then the statement prepared the first time is reused', () => {
    const db = withStatementCache(sqlite);
    const prepare = jest.spyOn(sqlite, 'prepare');
    const first = db.prepare('select n from t where n > ?');
    const second = db.prepare('select n from t where n > ?');
    expect(second).toBe(first);
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(second.all([1])).toEqual([{ n: 2 }, { n: 3 }]);
  });

  test('when a kept statement is still busy (being iterated), then the caller gets a new one', () => {
    const db = withStatementCache(sqlite);
    const streaming = db.prepare('select n from t');
    const rows = streaming.iterate([]);
    expect(rows.next().value).toEqual({ n: 1 });
    const other = db.prepare('select n from t');
    expect(other).not.toBe(streaming);
    expect(other.all([])).toHaveLength(3);
    rows.return?.();
  });

  test('when more statements than it keeps are prepared, then the least recently used is dropped', () => {
    const db = withStatementCache(sqlite, 2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a);
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
  });

  test('when the schema changes after a statement was kept, then the kept statement still runs', () => {
    const db = withStatementCache(sqlite);
    expect(db.prepare('select * from t where n = ?').all([2])).toEqual([{ n: 2 }]);
    sqlite.exec('alter table t add column label text');
    expect(db.prepare('select * from t where n = ?').all([2])).toEqual([{ n: 2, label: null }]);
  });
});
