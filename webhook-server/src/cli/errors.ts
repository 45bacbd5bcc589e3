/** A problem the CLI reports in one line and exits 1 for (the server unreachable, a missing key, …). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
