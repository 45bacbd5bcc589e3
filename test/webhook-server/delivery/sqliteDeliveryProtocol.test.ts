import SQLite from 'better-sqlite3';
import { fromThreadError, toThreadError } from '../../../webhook-server/src/delivery/sqliteDeliveryProtocol';
import { WorkerLockLostError } from '../../../webhook-server/src/delivery/workerLock';

/** An error as the queue gets it back from the delivery thread (structured clone, as postMessage does). */
const acrossThread = (err: unknown) => fromThreadError(structuredClone(toThreadError(err)));

describe('errors from the SQLite delivery thread', () => {
  test('when a claim is refused for a lost worker lock, then the queue gets a WorkerLockLostError', () => {
    expect(acrossThread(new WorkerLockLostError())).toBeInstanceOf(WorkerLockLostError);
  });

  test('when SQLite fails, then the queue gets its message and SQLITE_* code', () => {
    const sqlite = new SQLite(':memory:');
    let failure: unknown;
    try {
      sqlite.prepare('insert into missing_table values (1)');
    } catch (err) {
      failure = err;
    } finally {
      sqlite.close();
    }
    const error = acrossThread(failure);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(WorkerLockLostError);
    expect(error.message).toMatch(/no such table: missing_table/);
    expect(error).toMatchObject({ code: 'SQLITE_ERROR' });
  });

  test('when something that is not an Error is thrown, then the queue gets an Error saying what it was', () => {
    expect(acrossThread('disk on fire')).toMatchObject({ message: 'disk on fire' });
  });
});
