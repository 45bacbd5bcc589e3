import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Account, Call, Campaign, PlanId, TriggerName } from '../../../../schemas/generated/types';
import { isTriggerName, TRIGGER_NAMES } from '../../domain/hooks/samples';
import { ApiClient, serverOptionsOf } from '../apiClient';
import type { CommandContext } from '../context';
import { CliError } from '../errors';
import { PLAN_CHOICES, requirePlan } from '../options';

interface TriggerOptions {
  server?: string;
  apiKey?: string;
  plan?: string;
  json?: boolean;
}

interface Triggered {
  /** What was done, in one line. */
  did: string;
  /** The API's answer, printed with --json. */
  result: unknown;
}

/** The next plan when --plan is not given: up from free and starter, down from the others. */
const NEXT_PLAN: Record<PlanId, PlanId> = {
  free: 'starter',
  starter: 'pro',
  pro: 'starter',
  enterprise: 'pro',
};

const SAMPLE_PICTURE = 'https://images.atlas-connect.dev/sample-avatar.png';

type Cause = (client: ApiClient, opts: TriggerOptions) => Promise<Triggered>;

/**
 * How each trigger is caused: through the public API where it can be (the same requests an
 * integration makes), through the test-helper routes (development servers only) otherwise.
 */
const CAUSES: Record<TriggerName, Cause> = {
  account_updated: async (client) => {
    const account = await client.request<Account>({ method: 'GET', url: '/v1/api/account' });
    // Toggles the picture, so running it twice leaves the account as it was.
    const profilePictureUrl = account.profilePictureUrl ? null : SAMPLE_PICTURE;
    const result = await client.request<Account>({
      method: 'PATCH',
      url: '/v1/api/account',
      data: { profilePictureUrl },
    });
    return {
      did: `Set the profile picture of ${account.companyName} to ${profilePictureUrl ?? 'none'}.`,
      result,
    };
  },
  minutes_purchased: async (client) => {
    const result = await client.request<{ status: string; minutes: number; checkoutUrl?: string }>({
      method: 'POST',
      url: '/v1/api/billing/extra-minutes',
      data: { blocks: 1 },
      headers: { 'idempotency-key': `atlas-connect-trigger-${randomUUID()}` },
    });
    if (result.status !== 'succeeded')
      throw new CliError(
        `The purchase is ${result.status}: this server bills through Stripe without a saved card; pay at ${result.checkoutUrl ?? 'the checkout URL'}.`,
      );
    return { did: `Bought ${result.minutes} extra minutes.`, result };
  },
  plan_changed: async (client, opts) => {
    const before = await client.request<Account>({ method: 'GET', url: '/v1/api/account' });
    const planId = opts.plan ? requirePlan(opts.plan) : NEXT_PLAN[before.planId];
    const checkout = await client.request<{ url: string }>({
      method: 'POST',
      url: '/v1/api/billing/checkout',
      data: { planId },
    });
    const after = await client.request<Account>({ method: 'GET', url: '/v1/api/account' });
    if (after.planId !== planId)
      throw new CliError(
        `This server bills through Stripe, so the plan changes once paid: open ${checkout.url} (or use a server with sandbox billing).`,
      );
    return { did: `Changed the plan from ${before.planName} to ${after.planName}.`, result: after };
  },
  minutes_low: async (client) => {
    const result = await testHelper<{ usedSeconds: number; thresholdMinutes: number }>(client, {
      method: 'POST',
      url: '/v1/api/test_helpers/usage/minutes_low',
    });
    return {
      did: `Used ${result.usedSeconds} s of call time, taking remaining minutes below ${result.thresholdMinutes}.`,
      result,
    };
  },
  call_started: (client) => placeSandboxCall(client, ['in_progress', ...FINAL_CALL_STATUSES]),
  call_completed: (client) => placeSandboxCall(client, FINAL_CALL_STATUSES),
  message_received: (client) => testMessage(client, 'message_received'),
  message_sent: (client) => testMessage(client, 'message_sent'),
};

const FINAL_CALL_STATUSES = ['completed', 'no_answer', 'busy', 'failed', 'canceled'];
/** A fictional number (555-01xx), answered by the sandbox dialer. */
const CALL_NUMBER = '+14155550100';
const CALL_SECONDS = 3;
const CALL_WAIT_MS = 60_000;

/**
 * Starts a short call in the account's first campaign, as an integration would, and waits until
 * the server's calling platform (the sandbox dialer in development) has played it to `until`.
 */
async function placeSandboxCall(client: ApiClient, until: string[]): Promise<Triggered> {
  const campaigns = await client.request<{ data: Campaign[] }>({
    method: 'GET',
    url: '/v1/api/campaigns?limit=1',
  });
  const campaign = campaigns.data[0];
  if (!campaign)
    throw new CliError(
      'The account has no campaign to call from: create one with `atlas-connect campaigns create`.',
    );
  const queued = await client.request<Call>({
    method: 'POST',
    url: '/v1/api/calls',
    data: {
      campaignId: campaign.id,
      phoneNumber: CALL_NUMBER,
      customerName: 'Trigger Test',
      parameters: { sandboxDurationSeconds: String(CALL_SECONDS) },
    },
    headers: { 'idempotency-key': `atlas-connect-trigger-${randomUUID()}` },
  });
  const deadline = Date.now() + CALL_WAIT_MS;
  for (let call = queued; ;) {
    if (until.includes(call.status))
      return {
        did: `Placed a ${CALL_SECONDS} s call to ${CALL_NUMBER} (${call.id}); it is ${call.status}.`,
        result: call,
      };
    if (Date.now() > deadline)
      throw new CliError(
        `Call ${call.id} is still ${call.status} after ${CALL_WAIT_MS / 1000} s: does the server play calls with the sandbox dialer?`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
    call = await client.request<Call>({ method: 'GET', url: `/v1/api/calls/${queued.id}` });
  }
}

async function testMessage(client: ApiClient, type: 'message_received' | 'message_sent'): Promise<Triggered> {
  const result = await testHelper<{ messageId: string }>(client, {
    method: 'POST',
    url: '/v1/api/test_helpers/message_events',
    data: { type },
  });
  return {
    did: `Reported ${type === 'message_received' ? 'a received' : 'a sent'} message ${result.messageId}.`,
    result,
  };
}

/** A test-helper call; production servers have none and answer 404. */
async function testHelper<T>(client: ApiClient, config: Parameters<ApiClient['request']>[0]): Promise<T> {
  const res = await client.send(config);
  if (res.status === 404)
    throw new CliError(
      `${client.server} has no test helpers (it runs with NODE_ENV=production); trigger this event on a development server.`,
    );
  if (res.status >= 400) return client.request<T>(config);
  return res.data as T;
}

/** `trigger <triggerName>`: causes a realistic event in the account (like `stripe trigger`). */
export function registerTriggerCommand(program: Command, { io, print }: CommandContext): void {
  program
    .command('trigger')
    .description('Cause a realistic event of this trigger in the account, through the running server')
    .argument('<triggerName>', TRIGGER_NAMES.join(', '))
    .option('--server <url>', 'the running server (default $ATLAS_URL, else http://localhost:3000)')
    .option('--api-key <key>', "the account's API key (default $ATLAS_API_KEY)")
    .option('--plan <plan>', `plan_changed only: the plan to change to (${PLAN_CHOICES})`)
    .option('--json', "print the API's answer as JSON")
    .action(async (triggerName: string, opts: TriggerOptions) => {
      if (!isTriggerName(triggerName))
        throw new CliError(`Unknown trigger "${triggerName}"; use one of ${TRIGGER_NAMES.join(', ')}.`);
      const cause = CAUSES[triggerName];
      const { server, apiKey } = serverOptionsOf(opts, io);
      const triggered = await cause(new ApiClient(server, apiKey), opts);
      print(!!opts.json, triggered.result as object, `${triggered.did} ${triggerName} follows.`);
    });
}
