import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** Serves `app` on a loopback port for the length of `use`, given its base URL, then closes it. */
export async function whileListening<T>(app: Express, use: (base: string) => Promise<T>): Promise<T> {
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  try {
    return await use(`http://127.0.0.1:${(listener.address() as AddressInfo).port}`);
  } finally {
    listener.close();
  }
}
