/** Current time as the domain sees it; tests move it to cross billing periods. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
