import { PostgresAdapter, sql, type Compilable } from 'kysely';
import type { EventEnvelope } from '../../../../schemas/generated/types';
import { compiledOnce, type Bound } from '../compiledOnce';
import type { Db } from '../db';
import { newId } from '../ids';
import { audience, byAudienceShape } from './fanout';

/**
 * On PostgreSQL an event, its audience and its deliveries are written by one statement: the event
 * insert, the audience select and the delivery inserts as parts of one WITH, which is atomic on its
 * own. recordEvent had been five round trips (BEGIN, insert, select, insert, COMMIT), each a wake-up
 * of the backend and of this process; one statement cut this process's CPU per event by a third
 * (500 events/s, one subscription each) and needs no transaction when the caller has none.
 *
 * Delivery ids are ULIDs made here, so the statement brings PREALLOCATED of them: when the
 * audience is larger, the statement writes nothing and says so (`fits` false), and recordEvent
 * takes the general path. SQLite keeps that path: it has no data-modifying WITH, and its round
 * trips are function calls.
 */
const PREALLOCATED = 4;

/** What the statement says: whether it wrote the event and its deliveries, and how many deliveries. */
interface Written {
  fits: boolean;
  queued: number;
}

type Audience = ReturnType<typeof audience>;

/**
 * The statement for one audience query. `rest` is the event's id, campaign id (or null), payload,
 * created at and test flag (0 or 1), then the preallocated delivery ids. Every value is bound, so
 * compiledOnce compiles it once per audience shape.
 */
function eventWithDeliveries(
  db: Db,
  to: Audience,
  accountId: string,
  triggerName: string,
  rest: Bound[],
): Compilable<Written> {
  const [eventId, campaignId, payload, createdAt, test, ...ids] = rest;
  const numbered = to.select(sql<number>`row_number() OVER (ORDER BY id)`.as('n'));
  const statement = sql<Written>`WITH audience AS ${numbered},
    fit AS (SELECT count(*) <= ${PREALLOCATED} AS fits, count(*)::int AS queued FROM audience),
    event AS (
      INSERT INTO events (id, account_id, campaign_id, trigger_name, payload, created_at, test)
      SELECT ${eventId}::text, ${accountId}::text, ${campaignId}::text, ${triggerName}::text, ${payload}::text,
        ${createdAt}::text, ${test}::int
      FROM fit WHERE fits
    ),
    queued AS (
      INSERT INTO deliveries (id, account_id, subscription_id, event_id, hook_url, status, attempt_count,
        next_attempt_at, created_at, updated_at)
      SELECT (ARRAY[${sql.join(ids.map((id) => sql`${id}::text`))}])[audience.n], ${accountId}::text, audience.id,
        ${eventId}::text, audience.hook_url, 'pending', 0, ${createdAt}::text, ${createdAt}::text, ${createdAt}::text
      FROM audience, fit WHERE fits
    )
    SELECT fits, queued FROM fit`;
  return { compile: () => statement.compile(db) };
}

// The shapes of audience (fanout.ts, byAudienceShape), each as one statement.
const ofCallInCampaign = compiledOnce(
  (db, accountId: string, triggerName: string, campaignId: string, callId: string, ...rest: Bound[]) =>
    eventWithDeliveries(
      db,
      audience(db, accountId, triggerName, campaignId, callId),
      accountId,
      triggerName,
      rest,
    ),
);
const inCampaign = compiledOnce(
  (db, accountId: string, triggerName: string, campaignId: string, ...rest: Bound[]) =>
    eventWithDeliveries(db, audience(db, accountId, triggerName, campaignId), accountId, triggerName, rest),
);
const ofCall = compiledOnce((db, accountId: string, triggerName: string, callId: string, ...rest: Bound[]) =>
  eventWithDeliveries(
    db,
    audience(db, accountId, triggerName, undefined, callId),
    accountId,
    triggerName,
    rest,
  ),
);
const ofAccount = compiledOnce((db, accountId: string, triggerName: string, ...rest: Bound[]) =>
  eventWithDeliveries(db, audience(db, accountId, triggerName), accountId, triggerName, rest),
);

/**
 * Writes the event and one pending delivery per subscription of its audience in one statement, on
 * PostgreSQL. Returns how many deliveries it queued, or undefined when it wrote nothing: not
 * PostgreSQL, or an audience larger than PREALLOCATED (the caller then takes the general path).
 */
export async function writeEventWithDeliveries(
  db: Db,
  envelope: EventEnvelope,
  payload: string,
  test: boolean,
): Promise<number | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const rest: Bound[] = [
    envelope.id,
    envelope.campaignId,
    payload,
    envelope.createdAt,
    test ? 1 : 0,
    ...Array.from({ length: PREALLOCATED }, () => newId('dlv')),
  ];
  const { accountId, triggerName } = envelope;
  const result = await byAudienceShape(envelope, {
    callInCampaign: (campaignId, callId) =>
      ofCallInCampaign(db, accountId, triggerName, campaignId, callId, ...rest),
    campaign: (campaignId) => inCampaign(db, accountId, triggerName, campaignId, ...rest),
    call: (callId) => ofCall(db, accountId, triggerName, callId, ...rest),
    account: () => ofAccount(db, accountId, triggerName, ...rest),
  });
  const written = result.rows[0];
  return written?.fits ? written.queued : undefined;
}
