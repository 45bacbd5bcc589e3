import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/clock';
import { secretsEqual } from '../../domain/secrets';

export const FORM_TOKEN_LIFETIME_MS = 30 * 60 * 1000;

/**
 * CSRF protection of the sign-in form: the form carries an HMAC over the browser's random cookie
 * (double submit), the exact authorization request it was shown for, and when it was issued. A
 * form posted from another site has no cookie to match; one altered to ask for another client,
 * redirect URI or scope no longer matches its token; an old one expires.
 */
export class FormTokens {
  constructor(
    private readonly key: Buffer,
    private readonly clock: Clock,
  ) {}

  static newBrowserNonce(): string {
    return randomBytes(32).toString('base64url');
  }

  issue(browserNonce: string, params: Record<string, string>): string {
    const issuedAt = this.clock.now().getTime();
    return `${issuedAt}.${this.sign(browserNonce, issuedAt, params)}`;
  }

  verify(token: string, browserNonce: string | undefined, params: Record<string, string>): boolean {
    if (!browserNonce) return false;
    const [issuedText, signature, extra] = token.split('.');
    const issuedAt = Number(issuedText);
    if (!signature || extra !== undefined || !Number.isSafeInteger(issuedAt)) return false;
    const age = this.clock.now().getTime() - issuedAt;
    if (age < 0 || age > FORM_TOKEN_LIFETIME_MS) return false;
    return secretsEqual(signature, this.sign(browserNonce, issuedAt, params));
  }

  private sign(browserNonce: string, issuedAt: number, params: Record<string, string>): string {
    const fields = Object.keys(params)
      .sort()
      .map((name) => [name, params[name]]);
    return createHmac('sha256', this.key)
      .update(JSON.stringify(['atlas-oauth-form', browserNonce, issuedAt, fields]))
      .digest('base64url');
  }
}
