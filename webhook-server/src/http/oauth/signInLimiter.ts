import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { normalizeEmail } from '../../domain/accounts';

export interface SignInLimits {
  /** Sign-in attempts per admin email within the window. */
  perAccount: number;
  /** Sign-in attempts per client address within the window. */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccount: 5, perAddress: 20, windowSeconds: 15 * 60 };

export type SignInAdmission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Brute-force protection of the sign-in form. Every attempt spends a point of its account and of
 * its address before the password is checked (so parallel guesses cannot slip through); a
 * successful sign-in gives the account its points back. Counters live in process memory: each
 * server process enforces the limits on its own.
 */
export class SignInLimiter {
  private readonly byAccount: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {
    this.byAccount = new RateLimiterMemory({
      keyPrefix: 'signin-account',
      points: limits.perAccount,
      duration: limits.windowSeconds,
    });
    this.byAddress = new RateLimiterMemory({
      keyPrefix: 'signin-address',
      points: limits.perAddress,
      duration: limits.windowSeconds,
    });
  }

  async admit(email: string, address: string): Promise<SignInAdmission> {
    try {
      await this.byAddress.consume(address);
      await this.byAccount.consume(normalizeEmail(email));
      return { allowed: true };
    } catch (err) {
      if (err instanceof RateLimiterRes)
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      throw err;
    }
  }

  async succeeded(email: string): Promise<void> {
    await this.byAccount.delete(normalizeEmail(email));
  }
}
