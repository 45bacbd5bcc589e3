import type { CliIo } from './io';
import type { CliStorage } from './storage';

/** What every command group is registered with. */
export interface CommandContext {
  io: CliIo;
  storage: CliStorage;
  print(json: boolean, value: object, human: string): void;
}
