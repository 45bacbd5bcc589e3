import type { AxiosInstance } from 'axios';
import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';
import { AppError } from '../domain/errors';
import { ghlHttp, requestTokens, type GhlTokenResponse, type LocationTokenSource } from './apiClient';
import type { GhlConfig } from './config';
import { TokenCipher } from './tokenCipher';

/** An access token this close to its expiry is refreshed before use. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const SAVE_ATTEMPTS = 3;

export const locationNotInstalled = (locationId: string) =>
  new AppError(
    404,
    `GHL location ${locationId} has not installed the Atlas app (or uninstalled it). Install it from the GHL marketplace.`,
  );

/**
 * The location tokens, sealed at rest, refreshed before expiry and after a 401. A refresh holds
 * the location's row for its whole exchange (PostgreSQL row lock; SQLite's write lock), so two
 * processes never spend the same refresh token: GHL rotates it on every use and the old one dies.
 * The rotated token is written in that same transaction; if writing or committing fails after GHL
 * answered, it is written again on its own, because the token in the row is dead by then.
 */
export class GhlTokenStore implements LocationTokenSource {
  private readonly cipher: TokenCipher;
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: GhlConfig,
    private readonly http: AxiosInstance = ghlHttp(config),
  ) {
    this.cipher = new TokenCipher(config.tokenEncryptionKey);
  }

  /** Stores the tokens of an install (a reinstall replaces them; a link to an account stays). */
  async saveInstall(tokens: GhlTokenResponse, name: string): Promise<void> {
    const locationId = tokens.locationId;
    if (!locationId)
      throw new AppError(
        400,
        'GHL installed the app for an agency, not a location. Install it into a sub-account.',
      );
    const now = this.clock.now().toISOString();
    const sealed = this.sealed(locationId, tokens);
    await this.db
      .insertInto('ghl_locations')
      .values({
        location_id: locationId,
        company_id: tokens.companyId ?? null,
        account_id: null,
        name,
        ...sealed,
        installed_at: now,
        linked_at: null,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .column('location_id')
          .doUpdateSet({ ...sealed, name, company_id: tokens.companyId ?? null, updated_at: now }),
      )
      .execute();
  }

  async accessToken(locationId: string): Promise<string> {
    const row = await this.db
      .selectFrom('ghl_locations')
      .select(['access_token', 'access_expires_at'])
      .where('location_id', '=', locationId)
      .executeTakeFirst();
    if (!row) throw locationNotInstalled(locationId);
    if (this.fresh(row.access_expires_at)) return this.cipher.open(row.access_token, `${locationId}:access`);
    return this.refresh(locationId, undefined);
  }

  refreshAfterRejection(locationId: string, rejected: string): Promise<string> {
    return this.refresh(locationId, rejected);
  }

  private refresh(locationId: string, rejected: string | undefined): Promise<string> {
    // Callers in this process wait for one refresh instead of queueing for the row one by one.
    let running = this.refreshing.get(locationId);
    if (!running) {
      running = this.refreshNow(locationId, rejected).finally(() => this.refreshing.delete(locationId));
      this.refreshing.set(locationId, running);
    }
    return running;
  }

  private async refreshNow(locationId: string, rejected: string | undefined): Promise<string> {
    let obtained: GhlTokenResponse | undefined;
    try {
      return await inTransaction(this.db, async (trx) => {
        // A no-op update takes the row's lock before it is read.
        await trx
          .updateTable('ghl_locations')
          .set((eb) => ({ updated_at: eb.ref('updated_at') }))
          .where('location_id', '=', locationId)
          .execute();
        const row = await trx
          .selectFrom('ghl_locations')
          .select(['access_token', 'refresh_token', 'access_expires_at'])
          .where('location_id', '=', locationId)
          .executeTakeFirst();
        if (!row) throw locationNotInstalled(locationId);
        const current = this.cipher.open(row.access_token, `${locationId}:access`);
        // Another caller refreshed while this one waited for the row: its token is the answer.
        const replaced = rejected !== undefined && current !== rejected;
        if ((replaced || rejected === undefined) && this.fresh(row.access_expires_at)) return current;
        obtained = await requestTokens(this.http, this.config, {
          refreshToken: this.cipher.open(row.refresh_token, `${locationId}:refresh`),
        });
        await this.writeTokens(trx, locationId, obtained);
        return obtained.access_token;
      });
    } catch (err) {
      if (!obtained) throw err;
      await this.saveAgain(locationId, obtained, err);
      return obtained.access_token;
    }
  }

  private async saveAgain(locationId: string, tokens: GhlTokenResponse, first: unknown): Promise<void> {
    let last = first;
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
      try {
        await inTransaction(this.db, (trx) => this.writeTokens(trx, locationId, tokens));
        return;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  private async writeTokens(db: Db, locationId: string, tokens: GhlTokenResponse): Promise<void> {
    await db
      .updateTable('ghl_locations')
      .set({ ...this.sealed(locationId, tokens), updated_at: this.clock.now().toISOString() })
      .where('location_id', '=', locationId)
      .execute();
  }

  private sealed(locationId: string, tokens: GhlTokenResponse) {
    const expiresInMs = Math.max(0, Number(tokens.expires_in) || 0) * 1000;
    return {
      access_token: this.cipher.seal(tokens.access_token, `${locationId}:access`),
      refresh_token: this.cipher.seal(tokens.refresh_token, `${locationId}:refresh`),
      access_expires_at: new Date(this.clock.now().getTime() + expiresInMs).toISOString(),
      scope: tokens.scope ?? '',
    };
  }

  private fresh(expiresAt: string): boolean {
    return new Date(expiresAt).getTime() - this.clock.now().getTime() > REFRESH_MARGIN_MS;
  }
}
