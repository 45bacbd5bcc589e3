import { statSync } from 'node:fs';
import pino from 'pino';
import { startCheckpointer, type Checkpointer } from '../../../webhook-server/src/db/checkpointer';
import { freshStorage, type TestStorage } from '../../support/engines';

// On a SQLite file the server copies the write-ahead log back into the database in a thread of its
// own, so no API commit stalls on a checkpoint's disk writes.
describe('SQLite checkpoint thread', () => {
  let store: TestStorage;
  let checkpointer: Checkpointer | undefined;

  beforeEach(async () => {
    store = await freshStorage('sqlite');
    store.storage.sqlite!.exec('create table scratch (n integer, filler text)');
  });
  afterEach(async () => {
    await checkpointer?.stop();
    checkpointer = undefined;
    await store.destroy();
  });

  function autocheckpoint(): number {
    return store.storage.sqlite!.pragma('wal_autocheckpoint', { simple: true }) as number;
  }

  /** Commits one small transaction at a time, pausing between batches as a server's traffic would. */
  async function commit(batches: number, perBatch: number): Promise<void> {
    const insert = store.storage.sqlite!.prepare('insert into scratch (n, filler) values (?, ?)');
    for (let batch = 0; batch < batches; batch += 1) {
      for (let i = 0; i < perBatch; i += 1) insert.run(i, 'x'.repeat(200));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  test('when it runs, then the API connection leaves checkpoints to it, and takes them back when it stops', async () => {
    expect(autocheckpoint()).toBe(1000);
    checkpointer = startCheckpointer(store.storage, pino({ level: 'silent' }));
    await checkpointer!.ready;
    expect(autocheckpoint()).toBe(0);
    await checkpointer!.stop();
    checkpointer = undefined;
    expect(autocheckpoint()).toBe(1000);
  });

  test('when many transactions commit, then the log is copied back and the WAL file stops growing', async () => {
    checkpointer = startCheckpointer(store.storage, pino({ level: 'silent' }), 20);
    await checkpointer!.ready;
    // 1,500 commits of a page or more each: over 6 MB of log if nothing checkpointed it.
    await commit(30, 50);
    const walBytes = statSync(`${store.storage.sqliteFile!}-wal`).size;
    expect(walBytes).toBeLessThan(2 * 1024 * 1024);
    const count = store.storage.sqlite!.prepare('select count(*) from scratch').pluck().get();
    expect(count).toBe(1500);
  });

  test('when the thread cannot start, then the failure is logged and the API connection checkpoints again', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    checkpointer = startCheckpointer(
      { ...store.storage, sqliteFile: `${store.storage.sqliteFile!}.missing` },
      logger,
    );
    await checkpointer!.ready;
    await checkpointer!.stop();
    checkpointer = undefined;
    expect(autocheckpoint()).toBe(1000);
    expect(warnings.join('')).toMatch(/checkpoint thread failed/);
  });

  test('when the database is in memory, then there is no thread', () => {
    expect(
      startCheckpointer({ ...store.storage, sqliteFile: undefined }, pino({ level: 'silent' })),
    ).toBeUndefined();
  });
});
