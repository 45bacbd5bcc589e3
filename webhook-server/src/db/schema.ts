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

export interface Database {
  accounts: AccountsTable;
  usage_periods: UsagePeriodsTable;
  minute_ledger: MinuteLedgerTable;
  api_keys: ApiKeysTable;
  campaigns: CampaignsTable;
  calls: CallsTable;
  events: EventsTable;
  messages: MessagesTable;
  subscriptions: SubscriptionsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type CampaignRow = Selectable<CampaignsTable>;
export type UsagePeriodRow = Selectable<UsagePeriodsTable>;
export type EventRow = Selectable<EventsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type DeliveryAttemptRow = Selectable<DeliveryAttemptsTable>;
