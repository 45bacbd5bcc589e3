// Read at call time, never at load time: Zapier injects the version's environment (env:set) into
// process.env after the app module has been required.
export function atlasBaseUrl(): string {
  const raw = process.env.ATLAS_BASE_URL?.trim();
  if (!raw) {
    throw new Error(
      'ATLAS_BASE_URL is not set. Set it for this app version with `zapier-platform env:set <version> ATLAS_BASE_URL=https://…`.',
    );
  }
  return raw.replace(/\/+$/, '');
}

export function oauthClient(): { clientId: string; clientSecret: string } {
  const clientId = process.env.CLIENT_ID;
  const clientSecret = process.env.CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    throw new Error(
      'CLIENT_ID and CLIENT_SECRET are not set. Create them with `atlas-connect oauth-clients create` and set them with `zapier-platform env:set`.',
    );
  }
  return { clientId, clientSecret };
}
