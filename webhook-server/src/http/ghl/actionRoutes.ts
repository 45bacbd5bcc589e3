import { Router } from 'express';
import type { AccountUpdate, CallCreate, GhlActionRequest } from '../../../../schemas/generated/types';
import type { BillingGateway } from '../../billing/gateway';
import { purchaseExtraMinutes } from '../../billing/purchases';
import { updateAccount } from '../../domain/accounts';
import { cancelCall } from '../../domain/callRequests';
import type { CallingPlatform } from '../../domain/callingPlatform';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import { AppError, notFound } from '../../domain/errors';
import {
  ACTION_KEYS,
  accountResponse,
  callResponse,
  purchaseResponse,
  type FlatResponse,
} from '../../ghl/actionCatalog';
import { fetchContact, GhlApiError, locationClient } from '../../ghl/apiClient';
import { startGhlCall } from '../../ghl/calls';
import type { GhlConfig } from '../../ghl/config';
import { contactName, enrichmentParameters } from '../../ghl/enrichment';
import { requireLinkedAccount } from '../../ghl/locations';
import type { GhlTokenStore } from '../../ghl/tokens';
import { errorBody } from '../errors';
import { requestFingerprint, runIdempotent, sendStored, type StoredResponse } from '../idempotency';
import { parseBody } from '../validation';
import { actionIdempotencyKey } from './actionIdempotency';

export interface ActionDeps {
  db: Db;
  clock: Clock;
  ghl: GhlConfig;
  tokens: GhlTokenStore;
  calling: CallingPlatform;
  billing: BillingGateway;
}

interface Execution {
  accountId: string;
  locationId: string;
  contactId?: string;
  workflowId?: string;
  data: Record<string, unknown>;
}

const field = (data: Record<string, unknown>, name: string): string | undefined => {
  const value = data[name];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
};

const unprocessable = (message: string, name: string, problem: string) =>
  new AppError(422, message, [{ field: `data.${name}`, message: problem }]);

/** POST /integrations/ghl/actions/:key: the Atlas workflow actions (behind the shared secret). */
export function actionRoutes(deps: ActionDeps): Router {
  const { db, clock, ghl, tokens, calling, billing } = deps;
  const router = Router();

  const startCallAction = async (run: Execution, key: string): Promise<StoredResponse> => {
    const campaignId = field(run.data, 'campaignId');
    if (!campaignId)
      throw unprocessable('Choose the campaign whose AI agent places the call.', 'campaignId', 'is required');
    let phoneNumber = field(run.data, 'phoneNumber');
    let customerName = field(run.data, 'customerName');
    let parameters: Record<string, string> = {};
    if (run.contactId) {
      const contact = await fetchContact(locationClient(ghl, tokens, run.locationId), run.contactId).catch(
        (err: unknown) => {
          if (!(err instanceof GhlApiError)) throw err;
          throw new AppError(
            502,
            `GHL did not give the contact ${run.contactId} (${err.status ? `HTTP ${err.status}` : 'unreachable'}). Retry the step; if it keeps failing, reinstall the Atlas app in this location.`,
          );
        },
      );
      if (!contact) throw new AppError(422, `GHL contact ${run.contactId} was not found in this location.`);
      phoneNumber ??= contact.phone ?? undefined;
      customerName ??= contactName(contact);
      parameters = enrichmentParameters(contact);
    }
    if (!phoneNumber)
      throw unprocessable(
        run.contactId
          ? 'The GHL contact has no phone number. Add one to the contact or map a Phone number override.'
          : 'This workflow runs without a contact: map a Phone number.',
        'phoneNumber',
        'is required',
      );
    const input = parseBody<CallCreate>('CallCreate.json', {
      campaignId,
      phoneNumber: phoneNumber.replace(/[\s().-]/g, ''),
      ...(customerName ? { customerName } : {}),
      ...(Object.keys(parameters).length ? { parameters } : {}),
    });
    const call = await startGhlCall(
      db,
      clock,
      calling,
      run.accountId,
      input,
      {
        locationId: run.locationId,
        contactId: run.contactId ?? null,
        workflowId: run.workflowId,
      },
      key,
    );
    return { status: 201, body: callResponse(call, run.contactId ?? null) };
  };

  const buyMinutesAction = async (run: Execution, key: string): Promise<StoredResponse> => {
    const blocks = Number(field(run.data, 'blocks'));
    if (!Number.isInteger(blocks) || blocks < 1 || blocks > 100)
      throw unprocessable(
        'Blocks must be a whole number from 1 to 100 (1000 minutes each).',
        'blocks',
        'must be 1 to 100',
      );
    const outcome = await purchaseExtraMinutes({ db, clock, gateway: billing }, run.accountId, key, blocks);
    if (outcome.kind === 'declined') return { status: 402, body: errorBody(402, outcome.message) };
    return { status: outcome.kind === 'succeeded' ? 201 : 202, body: purchaseResponse(outcome.purchase) };
  };

  const updateAccountAction = async (run: Execution): Promise<FlatResponse> => {
    const update = Object.fromEntries(
      ['companyName', 'adminName', 'adminEmail', 'profilePictureUrl']
        .map((name) => [name, field(run.data, name)])
        .filter(([, value]) => value !== undefined),
    );
    const checked = parseBody<AccountUpdate>('AccountUpdate.json', update);
    return accountResponse(await updateAccount(db, clock, run.accountId, checked));
  };

  const cancelCallAction = async (run: Execution): Promise<FlatResponse> => {
    const callId = field(run.data, 'callId');
    if (!callId)
      throw unprocessable(
        'Map the Call ID to cancel ({{atlas_start_call.callId}}).',
        'callId',
        'is required',
      );
    const call = await cancelCall(db, clock, calling, run.accountId, callId);
    const link = await db
      .selectFrom('ghl_calls')
      .select('contact_id')
      .where('call_id', '=', call.id)
      .executeTakeFirst();
    return callResponse(call, link?.contact_id ?? null);
  };

  /** Calls and money: once per execution, under the key the execution derives. */
  const idempotent = {
    [ACTION_KEYS.startCall]: startCallAction,
    [ACTION_KEYS.buyExtraMinutes]: buyMinutesAction,
  } as Record<string, (run: Execution, key: string) => Promise<StoredResponse>>;
  const plain = {
    [ACTION_KEYS.updateAccount]: updateAccountAction,
    [ACTION_KEYS.cancelCall]: cancelCallAction,
  } as Record<string, (run: Execution) => Promise<FlatResponse>>;

  router.post('/integrations/ghl/actions/:key', async (req, res) => {
    const action = req.params.key;
    if (!idempotent[action] && !plain[action])
      throw notFound(
        `No Atlas action "${action}". The actions are ${Object.values(ACTION_KEYS).join(', ')}.`,
      );
    const body = parseBody<GhlActionRequest>('GhlActionRequest.json', req.body);
    const run: Execution = {
      accountId: await requireLinkedAccount(db, body.extras.locationId),
      locationId: body.extras.locationId,
      contactId: body.extras.contactId || undefined,
      workflowId: body.extras.workflowId || undefined,
      data: body.data as Record<string, unknown>,
    };
    const handler = idempotent[action];
    if (!handler) {
      res.json(await plain[action]!(run));
      return;
    }
    const key = actionIdempotencyKey({ action, ...run }, clock.now());
    const fingerprint = requestFingerprint('POST', req.path, { data: run.data, extras: body.extras });
    sendStored(
      res,
      await runIdempotent(db, clock, { accountId: run.accountId, key, fingerprint }, () => handler(run, key)),
    );
  });
  return router;
}
