import type { Logger } from 'pino';
import type { CallStatus } from '../../../schemas/generated/types';
import type { Storage } from '../db/storage';
import type { CallRow, SandboxCallStepsTable } from '../db/schema';
import { lockCall, markDispatched, markEnded, markStarted } from '../domain/callProgress';
import type { CallingPlatform } from '../domain/callingPlatform';
import type { Clock } from '../domain/clock';
import { afterCommit, inTransaction, type Db } from '../domain/db';
import { conversationOf, outcomeOf, ringSeconds } from './sandboxScript';

type Step = SandboxCallStepsTable;

/** The status a call has when each step is due; any other means the step no longer applies. */
const EXPECTED_STATUS: Record<Step['step'], CallStatus> = {
  dial: 'queued',
  answer: 'dispatched',
  hang_up: 'in_progress',
};

/** A step that failed (a bug, a database hiccup) is tried again this much later, not in a tight loop. */
const RETRY_FAILED_STEP_MS = 5_000;
const DEFAULT_POLL_MS = 200;

/**
 * The offline calling platform. Each queued call is played out through the same domain steps a
 * real platform's reports take (dispatched, call_started, call_completed with a debit), so
 * `npm start` shows the whole loop with nothing else configured. The next step of each call is a
 * row (sandbox_call_steps), written in the transaction of the step before: a process killed
 * mid-call resumes it on restart, and a step is applied in the transaction that deletes its row,
 * so it happens exactly once, whichever process (or how many) runs the dialer.
 */
export class SandboxDialer implements CallingPlatform {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Times faster than real time (SANDBOX_CALL_SPEED): a 95 s call takes 95 ms at 1000. */
    private readonly speed: number,
    private readonly pollMs = DEFAULT_POLL_MS,
  ) {}

  async callQueued(db: Db, call: CallRow, remainingSeconds: number): Promise<void> {
    const outcome = outcomeOf(call, remainingSeconds);
    await db
      .insertInto('sandbox_call_steps')
      .values({
        call_id: call.id,
        step: 'dial',
        due_at: call.created_at,
        duration_seconds: outcome.kind === 'answered' ? outcome.durationSeconds : 0,
        created_at: call.created_at,
      })
      .execute();
    afterCommit(db, () => this.wake());
  }

  async callCanceled(db: Db, call: CallRow): Promise<void> {
    await db.deleteFrom('sandbox_call_steps').where('call_id', '=', call.id).execute();
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops after the step in progress, if any; its call resumes at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Applies every step that is due. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        while (!this.stopped && (await this.runNextStep())) {
          // one transaction per step
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = undefined));
  }

  /** Applies the earliest due step, if any; false when none is due. */
  private async runNextStep(): Promise<boolean> {
    const { db, engine } = this.storage;
    const now = this.clock.now().toISOString();
    // A plain read first: most polls find nothing due, and on SQLite a transaction would take the
    // database's one write lock (BEGIN IMMEDIATE) five times a second for nothing.
    const anyDue = await db
      .selectFrom('sandbox_call_steps')
      .select('call_id')
      .where('due_at', '<=', now)
      .limit(1)
      .executeTakeFirst();
    if (!anyDue) return false;
    let failed: Step | undefined;
    try {
      return await inTransaction(db, async (trx) => {
        // The call's row lock first, then its step's: the order a cancel takes them in (cancelCall
        // locks the call, then deletes the step). Locking the step first, as before, deadlocked
        // with a cancel under load, and PostgreSQL broke it by failing the cancel with a 500.
        // SKIP LOCKED: a call being canceled, or played by another dialer, waits for a later poll.
        let due = trx
          .selectFrom('sandbox_call_steps as s')
          .innerJoin('calls as c', 'c.id', 's.call_id')
          .select('s.call_id')
          .where('s.due_at', '<=', now)
          .orderBy('s.due_at')
          .limit(1);
        if (engine === 'postgres') due = due.forNoKeyUpdate('c').skipLocked();
        const found = await due.executeTakeFirst();
        if (!found) return false;
        // Read again once the call is locked: the join's row can predate a change committed just
        // before this lock (another dialer played the step and queued the next, not yet due; a
        // cancel deleted it), and with the call locked nothing else changes it now. Gone or not
        // due any more: nothing to play for this call now; look again for another.
        const step = await trx
          .selectFrom('sandbox_call_steps')
          .selectAll()
          .where('call_id', '=', found.call_id)
          .where('due_at', '<=', now)
          .executeTakeFirst();
        if (!step) return true;
        failed = step;
        await this.apply(trx, step);
        return true;
      });
    } catch (err) {
      this.logger.error({ err, callId: failed?.call_id }, 'sandbox dialer step failed; retrying shortly');
      if (failed) await this.postpone(failed).catch(() => undefined);
      return failed !== undefined;
    }
  }

  private async postpone(step: Step): Promise<void> {
    await this.storage.db
      .updateTable('sandbox_call_steps')
      .set({ due_at: new Date(this.clock.now().getTime() + RETRY_FAILED_STEP_MS).toISOString() })
      .where('call_id', '=', step.call_id)
      .where('step', '=', step.step)
      .execute();
  }

  private async apply(db: Db, step: Step): Promise<void> {
    await db.deleteFrom('sandbox_call_steps').where('call_id', '=', step.call_id).execute();
    const call = await lockCall(db, step.call_id);
    // Canceled, or moved on by a platform report meanwhile: this step no longer applies.
    if (!call || call.status !== EXPECTED_STATUS[step.step]) return;
    const outcome = outcomeOf(call, step.duration_seconds ?? 0);
    const durationSeconds = step.duration_seconds ?? 0;
    if (step.step === 'dial') {
      await markDispatched(db, this.clock, call);
      await this.schedule(db, step, 'answer', ringSeconds(call, outcome), durationSeconds);
    } else if (step.step === 'answer' && outcome.kind === 'answered') {
      await markStarted(db, this.clock, call, { startedAt: step.due_at });
      await this.schedule(db, step, 'hang_up', durationSeconds, durationSeconds);
    } else if (step.step === 'answer' && outcome.kind === 'unanswered') {
      await markEnded(db, this.clock, call, {
        status: outcome.status,
        durationSeconds: 0,
        completedAt: step.due_at,
        failureReason: outcome.failureReason,
      });
    } else {
      await markEnded(db, this.clock, call, {
        status: 'completed',
        durationSeconds,
        completedAt: step.due_at,
        ...conversationOf(call),
      });
    }
  }

  /** The call's next step, `afterSeconds` of simulated time after this one. */
  private async schedule(
    db: Db,
    previous: Step,
    step: Step['step'],
    afterSeconds: number,
    durationSeconds: number,
  ): Promise<void> {
    const dueAt = new Date(Date.parse(previous.due_at) + (afterSeconds * 1000) / this.speed).toISOString();
    await db
      .insertInto('sandbox_call_steps')
      .values({
        call_id: previous.call_id,
        step,
        due_at: dueAt,
        duration_seconds: durationSeconds,
        created_at: this.clock.now().toISOString(),
      })
      .execute();
  }
}
