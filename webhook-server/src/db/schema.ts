import type { Insertable, Selectable } from 'kysely';

/**
 * Tables shared by both engines. Timestamps are ISO-8601 UTC strings (they sort as text on both
 * SQLite and PostgreSQL); booleans are 0/1 integers; JSON is stored as text.
 */
export interface AccountsTable {
  id: string;
  company_name: string;
  admin_name: string;
  admin_email: string;
  profile_picture_url: string | null;
  password_hash: string;
  plan_id: string;
  created_at: string;
  updated_at: string;
}

export interface UsagePeriodsTable {
  account_id: string;
  period_start: string;
  period_end: string;
  included_seconds: number;
  extra_seconds: number;
  used_seconds: number;
}

export interface MinuteLedgerTable {
  id: string;
  account_id: string;
  kind: 'call' | 'purchase';
  /** Signed: purchases add call time, calls spend it. */
  seconds: number;
  /** callId for calls, purchase id for purchases; unique per kind so nothing is applied twice. */
  reference: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  key_hash: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export interface CampaignsTable {
  id: string;
  account_id: string;
  name: string;
  status: string;
  created_at: string;
}

export interface CallsTable {
  id: string;
  account_id: string;
  campaign_id: string;
  phone_number: string;
  customer_name: string | null;
  status: string;
  duration_seconds: number | null;
  summary: string | null;
  transcript: string | null;
  recording_url: string | null;
  parameters: string;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface EventsTable {
  id: string;
  account_id: string;
  campaign_id: string | null;
  trigger_name: string;
  /** The full event envelope as delivered, JSON. */
  payload: string;
  created_at: string;
}

export interface MessagesTable {
  id: string;
  account_id: string;
  campaign_id: string;
  direction: 'received' | 'sent';
  phone_number: string;
  channel: string;
  body: string;
  occurred_at: string;
  created_at: string;
}

export interface OAuthClientsTable {
  id: string;
  name: string;
  secret_hash: string;
  /** JSON array of the exact redirect URIs the client may use. */
  redirect_uris: string;
  created_at: string;
}

/** One authorization: its single-use code and the family of tokens issued from it. */
export interface OAuthGrantsTable {
  id: string;
  client_id: string;
  account_id: string;
  /** Space-separated scopes. */
  scope: string;
  redirect_uri: string;
  code_hash: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  code_expires_at: string;
  code_used_at: string | null;
  created_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface OAuthTokensTable {
  id: string;
  grant_id: string;
  kind: 'access' | 'refresh';
  token_hash: string;
  scope: string;
  expires_at: string;
  created_at: string;
  /** Refresh tokens only: when it was exchanged for a new one. Presenting it again revokes the grant. */
  rotated_at: string | null;
  revoked_at: string | null;
}

export interface Database {
  accounts: AccountsTable;
  usage_periods: UsagePeriodsTable;
  minute_ledger: MinuteLedgerTable;
  api_keys: ApiKeysTable;
  campaigns: CampaignsTable;
  calls: CallsTable;
  events: EventsTable;
  messages: MessagesTable;
  oauth_clients: OAuthClientsTable;
  oauth_grants: OAuthGrantsTable;
  oauth_tokens: OAuthTokensTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type CampaignRow = Selectable<CampaignsTable>;
export type UsagePeriodRow = Selectable<UsagePeriodsTable>;
export type EventRow = Selectable<EventsTable>;
export type OAuthClientRow = Selectable<OAuthClientsTable>;
export type OAuthGrantRow = Selectable<OAuthGrantsTable>;
