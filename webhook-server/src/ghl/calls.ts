import type { Call, CallCreate } from '../../../schemas/generated/types';
import { startCall } from '../domain/callRequests';
import type { CallingPlatform } from '../domain/callingPlatform';
import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';

export interface GhlCallOrigin {
  locationId: string;
  contactId: string | null;
  workflowId?: string;
}

/**
 * Starts a call for a GHL contact. The call remembers its location and contact in the transaction
 * that queues it, so its call_started and call_completed go to that location's workflows with that
 * contact's id, even if the process dies right after.
 */
export async function startGhlCall(
  db: Db,
  clock: Clock,
  platform: CallingPlatform,
  accountId: string,
  input: CallCreate,
  origin: GhlCallOrigin,
  idempotencyKey: string,
): Promise<Call> {
  return inTransaction(db, async (trx) => {
    const call = await startCall(trx, clock, platform, accountId, input, idempotencyKey);
    await trx
      .insertInto('ghl_calls')
      .values({
        call_id: call.id,
        location_id: origin.locationId,
        contact_id: origin.contactId,
        workflow_id: origin.workflowId ?? null,
        created_at: clock.now().toISOString(),
      })
      .execute();
    return call;
  });
}
