import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { CliError } from './errors';
import type { CliIo } from './io';

export const DEFAULT_SERVER = 'http://localhost:3000';

export interface ServerOptions {
  server?: string;
  apiKey?: string;
}

/** --server and --api-key, defaulting to $ATLAS_URL (else localhost:3000) and $ATLAS_API_KEY. */
export function serverOptionsOf(opts: ServerOptions, io: CliIo): { server: string; apiKey: string } {
  const server = (opts.server ?? io.env.ATLAS_URL ?? DEFAULT_SERVER).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(server))
    throw new CliError(`--server must be an http(s) URL such as ${DEFAULT_SERVER} (got "${server}").`);
  const apiKey = opts.apiKey ?? io.env.ATLAS_API_KEY;
  if (!apiKey)
    throw new CliError(
      "Pass --api-key K or set ATLAS_API_KEY (npm start prints the demo account's key; `atlas-connect api-keys create` issues one).",
    );
  return { server, apiKey };
}

/**
 * The CLI's client of a running server's public API (so it works alike on SQLite and PostgreSQL
 * deployments). Every failure becomes one CliError line: unreachable server, or the API's message.
 */
export class ApiClient {
  readonly http: AxiosInstance;

  constructor(
    readonly server: string,
    apiKey: string,
  ) {
    this.http = axios.create({
      baseURL: server,
      headers: { 'api-key': apiKey },
      validateStatus: () => true,
      maxRedirects: 0,
      timeout: 30_000,
    });
  }

  async request<T>(config: AxiosRequestConfig): Promise<T> {
    const res = await this.send(config);
    if (res.status >= 400) throw apiError(res);
    return res.data as T;
  }

  /** The raw response (any status); only an unreachable server throws. */
  async send(config: AxiosRequestConfig): Promise<AxiosResponse> {
    try {
      return await this.http.request(config);
    } catch (err) {
      throw unreachable(this.server, err);
    }
  }
}

/** The API's own message for a 4xx/5xx answer. */
export function apiError(res: AxiosResponse): CliError {
  const body = res.data as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : `the server answered ${res.status}`;
  return new CliError(`${message} (HTTP ${res.status})`);
}

export function unreachable(server: string, err: unknown): CliError {
  const code = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
  return new CliError(
    `Cannot reach the server at ${server} (${code}). Start it with \`npm start\`, or pass --server URL.`,
  );
}
