import type { Account, AccountUpdate, PlanId } from '../../../schemas/generated/types';
import type { AccountRow } from '../db/schema';
import type { Clock } from './clock';
import { compiledOnce } from './compiledOnce';
import type { Db } from './db';
import { inTransaction } from './db';
import { AppError, conflict, notFound } from './errors';
import { recordEvent } from './events';
import { reviewMinutesLow } from './hooks/minutesLow';
import { newId } from './ids';
import { getPlan, planRank } from './plans';
import { hashPassword } from './secrets';
import { currentPeriod, openFirstPeriod, toUsage } from './usage';

export function toAccount(row: AccountRow): Account {
  const plan = getPlan(row.plan_id);
  return {
    id: row.id,
    companyName: row.company_name,
    adminName: row.admin_name,
    adminEmail: row.admin_email,
    profilePictureUrl: row.profile_picture_url,
    planId: plan.id,
    planName: plan.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Email addresses are compared without regard to case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewAccount {
  companyName: string;
  adminName: string;
  adminEmail: string;
  password: string;
  planId: PlanId;
}

export const MIN_PASSWORD_LENGTH = 10;

export async function createAccount(db: Db, clock: Clock, input: NewAccount): Promise<Account> {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(400, `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`, [
      { field: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
  const email = normalizeEmail(input.adminEmail);
  const passwordHash = await hashPassword(input.password);
  return inTransaction(db, async (trx) => {
    await assertEmailFree(trx, email);
    const now = clock.now();
    const row: AccountRow = {
      id: newId('acc'),
      company_name: input.companyName,
      admin_name: input.adminName,
      admin_email: email,
      profile_picture_url: null,
      password_hash: passwordHash,
      plan_id: input.planId,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await trx.insertInto('accounts').values(row).execute();
    await openFirstPeriod(trx, row.id, row.plan_id, now);
    return toAccount(row);
  });
}

async function assertEmailFree(db: Db, email: string, exceptAccountId?: string): Promise<void> {
  let query = db.selectFrom('accounts').select('id').where('admin_email', '=', email);
  if (exceptAccountId) query = query.where('id', '!=', exceptAccountId);
  if (await query.executeTakeFirst()) {
    throw conflict('Another account already uses this admin email. Use a different address.', [
      { field: 'adminEmail', message: 'is already in use' },
    ]);
  }
}

// Most API requests read their account: compiled once.
const accountById = compiledOnce((db, accountId: string) =>
  db.selectFrom('accounts').selectAll().where('id', '=', accountId),
);

export async function findAccountRow(db: Db, accountId: string): Promise<AccountRow | undefined> {
  return (await accountById(db, accountId)).rows[0];
}

export async function getAccountRow(db: Db, accountId: string): Promise<AccountRow> {
  const row = await findAccountRow(db, accountId);
  if (!row) throw notFound(`No account ${accountId}.`);
  return row;
}

export async function findAccountByEmail(db: Db, email: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('admin_email', '=', normalizeEmail(email))
    .executeTakeFirst();
}

const UPDATABLE = ['companyName', 'adminName', 'adminEmail', 'profilePictureUrl'] as const;

/**
 * Changes account details and records account_updated in the same transaction. Fields sent with
 * their current value are not reported as changed; a request that changes nothing emits nothing.
 */
export async function updateAccount(
  db: Db,
  clock: Clock,
  accountId: string,
  update: AccountUpdate,
): Promise<Account> {
  return inTransaction(db, async (trx) => {
    const row = await getAccountRow(trx, accountId);
    const current = toAccount(row);
    const next = {
      ...update,
      ...(update.adminEmail ? { adminEmail: normalizeEmail(update.adminEmail) } : {}),
    };
    const changedFields = UPDATABLE.filter((field) => field in next && next[field] !== current[field]);
    if (changedFields.length === 0) return current;
    if (changedFields.includes('adminEmail') && next.adminEmail)
      await assertEmailFree(trx, next.adminEmail, accountId);
    const updatedAt = clock.now().toISOString();
    await trx
      .updateTable('accounts')
      .set({
        ...(changedFields.includes('companyName') ? { company_name: next.companyName } : {}),
        ...(changedFields.includes('adminName') ? { admin_name: next.adminName } : {}),
        ...(changedFields.includes('adminEmail') ? { admin_email: next.adminEmail } : {}),
        ...(changedFields.includes('profilePictureUrl')
          ? { profile_picture_url: next.profilePictureUrl ?? null }
          : {}),
        updated_at: updatedAt,
      })
      .where('id', '=', accountId)
      .execute();
    const account = toAccount(await getAccountRow(trx, accountId));
    await recordEvent(trx, clock, {
      accountId,
      campaignId: null,
      triggerName: 'account_updated',
      data: { account, changedFields },
    });
    return account;
  });
}

export type PlanDirection = 'upgrade' | 'downgrade' | 'cancel' | 'reactivate';

async function planDirection(db: Db, accountId: string, from: PlanId, to: PlanId): Promise<PlanDirection> {
  if (to === 'free') return 'cancel';
  if (from === 'free') {
    const cancelled = await db
      .selectFrom('events')
      .select('id')
      .where('account_id', '=', accountId)
      .where('trigger_name', '=', 'plan_changed')
      .where('payload', 'like', '%"direction":"cancel"%')
      .executeTakeFirst();
    if (cancelled) return 'reactivate';
  }
  return planRank(to) > planRank(from) ? 'upgrade' : 'downgrade';
}

export interface PlanChange {
  changed: boolean;
  account: Account;
}

/**
 * Moves an account to another plan, effective now: the current period's included time becomes the
 * new plan's, and plan_changed is recorded in the same transaction. Every path that changes a plan
 * (Stripe webhooks, the operator CLI) goes through here.
 */
export async function changePlan(
  db: Db,
  clock: Clock,
  accountId: string,
  planId: PlanId,
): Promise<PlanChange> {
  return inTransaction(db, async (trx) => {
    const row = await getAccountRow(trx, accountId);
    const previous = getPlan(row.plan_id);
    const plan = getPlan(planId);
    if (previous.id === plan.id) return { changed: false, account: toAccount(row) };
    const direction = await planDirection(trx, accountId, previous.id, plan.id);
    const effectiveAt = clock.now().toISOString();
    const period = await currentPeriod(trx, accountId, clock);
    await trx
      .updateTable('accounts')
      .set({ plan_id: plan.id, updated_at: effectiveAt })
      .where('id', '=', accountId)
      .execute();
    await trx
      .updateTable('usage_periods')
      .set({ included_seconds: plan.includedMinutes * 60 })
      .where('account_id', '=', accountId)
      .where('period_start', '=', period.period_start)
      .execute();
    await recordEvent(trx, clock, {
      accountId,
      campaignId: null,
      triggerName: 'plan_changed',
      data: {
        previousPlan: { id: previous.id, name: previous.name },
        plan: { id: plan.id, name: plan.name },
        direction,
        effectiveAt,
      },
    });
    const updatedPeriod = await currentPeriod(trx, accountId, clock);
    await reviewMinutesLow(trx, clock, accountId, toUsage(updatedPeriod, plan.id));
    return { changed: true, account: toAccount(await getAccountRow(trx, accountId)) };
  });
}
