/** Zapier's errors carry a JSON message ({message, code, status} or {message, delay}). */
export function parsedErrorMessage(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) throw new Error(`not an Error: ${String(error)}`);
  return JSON.parse(error.message) as Record<string, unknown>;
}

export async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a rejection, got a result');
}
