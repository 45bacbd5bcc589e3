import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../webhook-server/src/db/schema';
import { FROM_START } from '../../../webhook-server/src/delivery/pgClaimCursor';
import { claimStatement, CLAIM_SESSION } from '../../../webhook-server/src/delivery/pgQueue';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';
import { accountWithOnePendingDelivery, addBacklog } from '../../support/events';

/** A plan node of EXPLAIN (ANALYZE, FORMAT JSON), with the fields read here. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Subplan Name'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function* nodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* nodes(child);
}

/** Pending deliveries: from about 1,000 on a never-analyzed table, the planner sorted them all. */
const BACKLOG = 3000;
const LIMIT = 10;

// The claim must cost what it claims, not what is pending: a backlog is when the worker has to be fastest.
const postgresOnly = testEngines().includes('postgres') ? describe : describe.skip;

postgresOnly('the PostgreSQL claim, whatever the statistics say', () => {
  let store: TestStorage;
  let queueDb: Kysely<Database>;

  beforeAll(async () => {
    store = await freshStorage('postgres');
    await accountWithOnePendingDelivery(store.storage, 'Backlog');
    await addBacklog(store.storage, 'https://hooks.example.com/backlog', BACKLOG - 1);
    queueDb = store.storage.openPool!(CLAIM_SESSION);
  });
  afterAll(async () => {
    await queueDb.destroy();
    await store.destroy();
  });

  /**
   * How many deliveries rows the claim's search for due ones reads (those it passes on and those it
   * takes), as the queue's sessions plan it.
   */
  async function rowsReadByClaim(from = FROM_START): Promise<{ read: number; claimed: number }> {
    const now = new Date();
    const statement = claimStatement({
      from,
      now: now.toISOString(),
      lockedUntil: new Date(now.getTime() + 60_000).toISOString(),
      limit: LIMIT,
      skipHookUrls: [],
      workerId: 'plan-test',
    });
    let plan!: PlanNode;
    // EXPLAIN ANALYZE runs the claim: rolled back, so every test sees the whole backlog pending.
    await queueDb
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{
          'QUERY PLAN': Array<{ Plan: PlanNode }>;
        }>`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`.execute(trx);
        plan = rows[0]!['QUERY PLAN'][0]!.Plan;
        throw new Error('roll back');
      })
      .catch((err: Error) => {
        if (err.message !== 'roll back') throw err;
      });
    const due = [...nodes(plan)].find((node) => node['Subplan Name'] === 'CTE due')!;
    const scans = [...nodes(due)].filter((node) => node['Relation Name'] === 'deliveries');
    return {
      read: Math.max(...scans.map((node) => node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0))),
      claimed: plan['Actual Rows'],
    };
  }

  test('when the table was never analyzed (a new install), then a claim reads only the rows it claims', async () => {
    expect(await rowsReadByClaim()).toEqual({ read: LIMIT, claimed: LIMIT });
  });

  test('when the statistics were taken while nothing was pending, then a claim reads only the rows it claims', async () => {
    const { db } = store.storage;
    await db.updateTable('deliveries').set({ status: 'delivered' }).execute();
    await sql`ANALYZE deliveries`.execute(db);
    await db.updateTable('deliveries').set({ status: 'pending' }).execute();

    expect(await rowsReadByClaim()).toEqual({ read: LIMIT, claimed: LIMIT });
  });

  // Runs last: it leaves claims standing.
  test('when the worker holds claims at the head of the due index, then a claim from where its last one ended reads only the rows it claims', async () => {
    const { db } = store.storage;
    // What a busy worker holds: claimed rounds ready or in flight, and results waiting to be written.
    const held = await db
      .selectFrom('deliveries')
      .select(['id', 'next_attempt_at'])
      .orderBy('next_attempt_at')
      .limit(40 * LIMIT)
      .execute();
    await db
      .updateTable('deliveries')
      .set({ locked_by: 'plan-test', locked_until: new Date(Date.now() + 60_000).toISOString() })
      .where(
        'id',
        'in',
        held.map((row) => row.id),
      )
      .execute();

    expect(await rowsReadByClaim(held.at(-1)!.next_attempt_at!)).toEqual({ read: LIMIT + 1, claimed: LIMIT });
    // From the start, the claim steps over every held row first.
    expect((await rowsReadByClaim()).read).toBe(41 * LIMIT);
  });
});
