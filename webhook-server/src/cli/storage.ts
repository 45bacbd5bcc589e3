import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { openStorage, type Storage } from '../db/storage';
import type { CliIo } from './io';

/**
 * The database of operator commands, opened (and migrated) on first use from DATABASE_URL and
 * closed when the command is done.
 */
export class CliStorage {
  private storage: Storage | undefined;

  constructor(private readonly io: CliIo) {}

  async use<T>(fn: (storage: Storage) => Promise<T>): Promise<T> {
    if (!this.storage) {
      this.storage = openStorage(loadConfig(this.io.env).databaseUrl);
      await migrate(this.storage);
    }
    return fn(this.storage);
  }

  async close(): Promise<void> {
    await this.storage?.close();
    this.storage = undefined;
  }
}
