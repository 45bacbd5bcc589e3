import type { ColumnType, Selectable } from 'kysely';
import type { PlanId } from '../../../schemas/generated/types';

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
  /**
   * The instant calendar roll-overs count whole months from (account start or the payment
   * provider's period start). Null only on rows no migration or code has anchored: read it as
   * period_start.
   */
  period_anchor: string | null;
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
  /** Why a failed call failed, in words a user can act on. */
  failure_reason: string | null;
  /** The Idempotency-Key of the request that queued it; the calling platform receives it too. */
  idempotency_key: string | null;
}

export interface EventsTable {
  id: string;
  account_id: string;
  campaign_id: string | null;
  trigger_name: string;
  /** The full event envelope as delivered, JSON. */
  payload: string;
  created_at: string;
  /** 1 for a test event (sample data sent to one subscription on request); 0 by default. */
  test: ColumnType<number, number | undefined, never>;
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
  /** When an access token of this grant last authenticated a request (to the minute). */
  last_used_at: string | null;
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
  /** Refresh tokens only, once rotated: the successor pair, sealed with a key from this token (011). */
  successor_sealed?: string | null;
}

export interface BillingAccountsTable {
  account_id: string;
  /** Stripe customer id (or the sandbox's), created once, lazily. */
  customer_id: string | null;
  subscription_id: string | null;
  subscription_status: string | null;
  /** `created` (Unix seconds) of the Stripe event that last set the subscription state. */
  subscription_event_created: number | null;
  created_at: string;
  updated_at: string;
}

export type PurchaseStatus = 'succeeded' | 'pending' | 'requires_action' | 'failed';

export interface BillingPurchasesTable {
  id: string;
  account_id: string;
  /** The caller's Idempotency-Key: a retried request finds and reuses its purchase. */
  idempotency_key: string;
  blocks: number;
  minutes: number;
  amount_cents: number;
  currency: string;
  status: PurchaseStatus;
  livemode: number;
  payment_intent_id: string | null;
  checkout_session_id: string | null;
  checkout_url: string | null;
  message: string | null;
  created_at: string;
  updated_at: string;
}

export interface StripeEventsTable {
  id: string;
  type: string;
  account_id: string | null;
  /** What applying it did (applied, ignored: why), for support. */
  outcome: string;
  created: number;
  processed_at: string;
}

/** Each Stripe subscription's latest known state; the account's plan is derived from these rows. */
export interface StripeSubscriptionsTable {
  /** Stripe subscription id. */
  id: string;
  account_id: string;
  /** Stripe status of its newest applied event ('canceled' once deleted). */
  status: string;
  price_id: string | null;
  /** The Atlas plan its price stands for; null when no configured plan has it. */
  plan_id: PlanId | null;
  /** The subscription's own `created` (Unix s): of two serving subscriptions, the newer one counts. */
  created: number;
  /** `created` (Unix s) of the newest event applied to this row; older ones are ignored. */
  last_event_created: number;
  /** When Atlas learned that it ended (deleted, canceled or expired): no later event revives it. */
  ended_at: string | null;
  updated_at: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  idempotency_key: string;
  /** sha256 of method, path and canonical body: the same key with another request is refused. */
  fingerprint: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: string;
  /** When the current owner took the key; an in-progress key older than the lease is taken over. */
  locked_at: string;
}

export interface SubscriptionsTable {
  id: string;
  account_id: string;
  hook_url: string;
  trigger_name: string;
  /** A campaign id, or '*' for every campaign of the account. */
  campaign_id: string;
  provider: string;
  /** minutes_low only; null means 10% of the plan's included minutes. */
  threshold_minutes: number | null;
  /** minutes_low only: 1 while remaining minutes are at or above the threshold (the next crossing fires). */
  armed: number;
  /** whsec_… kept as is: it must sign every delivery. */
  secret: string;
  created_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'cancelled';

export interface DeliveriesTable {
  id: string;
  account_id: string;
  subscription_id: string;
  event_id: string;
  hook_url: string;
  status: DeliveryStatus;
  /** Attempts since the delivery was created or last replayed; drives the retry schedule. */
  attempt_count: number;
  next_attempt_at: string | null;
  /** A worker's claim: until then no other worker takes it; after, it is due again (crash recovery). */
  locked_until: string | null;
  locked_by: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  /** Set when this delivery dispatches that call to the calling platform (not a hook subscription's event). */
  call_id: string | null;
}

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  outcome: 'delivered' | 'retry' | 'dead' | 'gone';
}

/** SQLite only: the one row (id 1) a delivery worker must hold to claim deliveries. */
export interface DeliveryWorkerLockTable {
  id: number;
  /** The holding worker's id. */
  owner: string;
  /** Renewed by the holder; a row older than the stale threshold may be taken over. */
  heartbeat_at: string;
}

/** The sandbox dialer's next step of a call it is playing out; one row per call in progress. */
export interface SandboxCallStepsTable {
  call_id: string;
  step: 'dial' | 'answer' | 'hang_up';
  due_at: string;
  /** How long the answered call lasts, fixed when it is dialled. */
  duration_seconds: number | null;
  created_at: string;
}

/** A signed-in admin's browser on the Account page; the cookie itself is never stored. */
export interface AccountSessionsTable {
  /** sha256 of the session cookie's value. */
  token_hash: string;
  account_id: string;
  /** Every write of the session carries it (a hidden form field or the X-CSRF-Token header). */
  csrf_token: string;
  created_at: string;
  /** Renewed at most once a minute; idle expiry counts from it. */
  last_seen_at: string;
  /** The absolute end of the session, however active it is. */
  expires_at: string;
}

export interface ProfilePicturesTable {
  /** Random and unguessable: it is the public URL's last segment. */
  id: string;
  account_id: string;
  /** Decided from the bytes (PNG, JPEG or WebP), never from the upload's name or header. */
  content_type: string;
  bytes: Buffer;
  byte_size: number;
  created_at: string;
}

/** A GHL location that installed the app; its tokens sealed (ghl/tokenCipher.ts). */
export interface GhlLocationsTable {
  location_id: string;
  company_id: string | null;
  /** The linked Atlas account; null until an admin signs in on the link page. */
  account_id: string | null;
  name: string;
  access_token: string;
  refresh_token: string;
  access_expires_at: string;
  scope: string;
  installed_at: string;
  linked_at: string | null;
  updated_at: string;
}

/** Install/uninstall webhook ids already applied: a replay is refused. */
export interface GhlWebhookEventsTable {
  webhook_id: string;
  type: string;
  location_id: string | null;
  received_at: string;
}

/** A GHL workflow trigger (triggerData.id) and the Atlas subscription that feeds it. */
export interface GhlTriggerSubscriptionsTable {
  id: string;
  subscription_id: string;
  location_id: string;
  workflow_id: string | null;
  trigger_key: string;
  target_url: string;
  /** GHL's filters as received, JSON. */
  filters: string;
  created_at: string;
  updated_at: string;
}

/** A call started by a GHL workflow action: its events go to that location, for that contact. */
export interface GhlCallsTable {
  call_id: string;
  location_id: string;
  contact_id: string | null;
  workflow_id: string | null;
  created_at: string;
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
  billing_accounts: BillingAccountsTable;
  billing_purchases: BillingPurchasesTable;
  stripe_events: StripeEventsTable;
  stripe_subscriptions: StripeSubscriptionsTable;
  idempotency_keys: IdempotencyKeysTable;
  subscriptions: SubscriptionsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  delivery_worker_lock: DeliveryWorkerLockTable;
  sandbox_call_steps: SandboxCallStepsTable;
  account_sessions: AccountSessionsTable;
  profile_pictures: ProfilePicturesTable;
  ghl_locations: GhlLocationsTable;
  ghl_webhook_events: GhlWebhookEventsTable;
  ghl_trigger_subscriptions: GhlTriggerSubscriptionsTable;
  ghl_calls: GhlCallsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type CampaignRow = Selectable<CampaignsTable>;
export type UsagePeriodRow = Selectable<UsagePeriodsTable>;
export type EventRow = Selectable<EventsTable>;
export type OAuthClientRow = Selectable<OAuthClientsTable>;
export type OAuthGrantRow = Selectable<OAuthGrantsTable>;
export type BillingAccountRow = Selectable<BillingAccountsTable>;
export type PurchaseRow = Selectable<BillingPurchasesTable>;
export type StripeSubscriptionRow = Selectable<StripeSubscriptionsTable>;
export type CallRow = Selectable<CallsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type DeliveryAttemptRow = Selectable<DeliveryAttemptsTable>;
export type GhlLocationRow = Selectable<GhlLocationsTable>;
