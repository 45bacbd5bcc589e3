import pino, { type Logger } from 'pino';

/** Paths never written to logs: credentials in headers and secret-bearing fields in bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  // The GHL app's shared secret (trigger subscriptions, actions).
  'req.headers["x-atlas-secret"]',
  'res.headers["set-cookie"]',
  // OAuth redirects carry the authorization code.
  'res.headers.location',
  '*.password',
  '*.apiKey',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.access_token',
  '*.refresh_token',
  '*.code',
  // GHL's install redirect carries its authorization code in the query.
  'req.query.code',
];

const URL_CREDENTIALS = /([?&](?:code|access_token|refresh_token)=)[^&#]*/g;

/** A request URL as logged: credentials a query may carry (an OAuth code) replaced. */
export function loggableUrl(url: string): string {
  return url.replace(URL_CREDENTIALS, '$1[redacted]');
}

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
