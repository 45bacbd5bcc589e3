import { request } from 'node:http';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { UNSTORABLE_TEXT } from '../../../webhook-server/src/http/errors';
import type { FuzzOperation, Json } from './operations';
import type { FuzzRequest } from './requests';

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Sends the request as given: node:http leaves a mis-encoded path alone, as an attacker's client would. */
export function send(baseUrl: string, req: FuzzRequest): Promise<FuzzResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolveAnswer, rejectAnswer) => {
    // An answer that never comes is a failure to report, not a hang of the whole suite. A timer of
    // its own, not the socket's idle timeout: an interceptor's socket (nock's) may never fire that.
    const deadline = setTimeout(() => {
      const err = new Error(`no complete answer within 15 s to ${req.method} ${req.url.slice(0, 200)}`);
      outgoing.destroy(err);
      reject(err);
    }, 15_000);
    const resolve = (answer: FuzzResponse) => {
      clearTimeout(deadline);
      resolveAnswer(answer);
    };
    const reject = (err: unknown) => {
      clearTimeout(deadline);
      rejectAnswer(err);
    };
    const outgoing = request(
      {
        hostname,
        port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) },
        agent: false,
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        // An accepted event stream never ends: its status and headers are the answer to check.
        if (contentType.startsWith('text/event-stream')) {
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, contentType, text: '' });
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/**
 * Checks answers against the document: the status must be one the operation documents (or a
 * 5xx it documents, such as 503 when a feature is off), and an error's JSON body must match the
 * schema documented for that status.
 */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: document.components });
  }

  private validatorFor(key: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      const rebased = JSON.parse(
        JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/'),
      );
      validate = this.ajv.compile(rebased);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** What breaks the contract in this answer, or undefined. */
  problem(op: FuzzOperation, res: FuzzResponse): string | undefined {
    // Node's HTTP parser answers a request line and headers over 16 KB before any route runs.
    if (res.status === 431) return undefined;
    const documented = op.responses[String(res.status)];
    if (res.status >= 500 && !documented) return `a ${res.status}: ${res.text.slice(0, 200)}`;
    if (!documented) return `status ${res.status} is not documented (${res.text.slice(0, 200)})`;
    if (res.status < 400) return undefined;
    // The storage backstop answered: a route let a NUL through validation (SQLite would store it).
    if (res.text.includes(UNSTORABLE_TEXT)) return `NUL reached the database: ${res.text.slice(0, 200)}`;
    const schema = documented.content?.['application/json']?.schema;
    if (!schema) return undefined;
    if (!res.contentType.startsWith('application/json'))
      return `the ${res.status} is ${res.contentType || 'untyped'}, not the documented JSON`;
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return `the ${res.status} body is not JSON: ${res.text.slice(0, 200)}`;
    }
    const validate = this.validatorFor(`${op.method} ${op.path} ${res.status}`, schema);
    if (!validate(body))
      return `the ${res.status} body does not match its documented schema (${this.ajv.errorsText(validate.errors)}): ${res.text.slice(0, 200)}`;
    return undefined;
  }
}
