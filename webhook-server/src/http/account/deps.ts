import type { AppContext } from '../context';
import type { FormTokens } from '../oauth/formToken';
import type { SignInLimiter } from '../oauth/signInLimiter';

/** What the Account page's routes share, built once per app. */
export interface AccountPageDeps extends AppContext {
  formTokens: FormTokens;
  limiter: SignInLimiter;
  /** Secure cookies everywhere but development (plain http on localhost). */
  secureCookies: boolean;
}
