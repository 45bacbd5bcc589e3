/** A complete, valid production environment; tests remove or change one variable at a time. */
export const PRODUCTION_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://connect.atlas.example',
  ATLAS_SERVICE_TOKEN: 'x'.repeat(32),
  OAUTH_FORM_SECRET: 'y'.repeat(32),
  BILLING_ADAPTER: 'sandbox',
  CALLING_ADAPTER: 'sandbox',
};

export function without(env: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}
