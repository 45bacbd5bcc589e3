import type { PlanId } from '../../schemas/generated/types';
import { createAccount } from '../../webhook-server/src/domain/accounts';
import type { Clock } from '../../webhook-server/src/domain/clock';
import type { Db } from '../../webhook-server/src/domain/db';

let accounts = 0;

/**
 * A new account for a storage-level test, with an admin email no other account of the test file has.
 * `companyName` when a test reads it back.
 */
export function newAccount(db: Db, clock: Clock, options: { planId?: PlanId; companyName?: string } = {}) {
  accounts += 1;
  return createAccount(db, clock, {
    companyName: options.companyName ?? `Company ${accounts}`,
    adminName: `Admin ${accounts}`,
    adminEmail: `account${accounts}@example.com`,
    password: 'long-enough-password',
    planId: options.planId ?? 'starter',
  });
}
