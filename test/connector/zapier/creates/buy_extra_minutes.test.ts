import {
  BUY_EXTRA_MINUTES,
  perform,
  sample,
} from '../../../../connector/zapier/src/creates/buy_extra_minutes';
import { deriveIdempotencyKey } from '../../../../connector/zapier/src/idempotency';
import { appTester, atlas, authData, caught, parsedErrorMessage, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

const keyFor = (reference: string, zapId = '') =>
  deriveIdempotencyKey(
    { meta: { zap: zapId ? { id: zapId } : undefined } },
    { action: BUY_EXTRA_MINUTES, reference, body: {} },
  );

describe(BUY_EXTRA_MINUTES, () => {
  it('when a reference is mapped, then the purchase carries a key derived from it', async () => {
    const key = keyFor('evt_01JD7X2M6Q8K3V5T9W4Y1Z0EVT', 'zap_42');
    atlas()
      .post('/v1/api/billing/extra-minutes', { blocks: 2 })
      .matchHeader('idempotency-key', key)
      .reply(201, { ...sample, blocks: 2, minutes: 2000, amountCents: 19800 });
    const result = await appTester(perform, {
      authData,
      inputData: { blocks: 2, reference: 'evt_01JD7X2M6Q8K3V5T9W4Y1Z0EVT' },
      meta: { zap: { id: 'zap_42', user: { timezone: 'UTC' } } },
    });
    expect(result).toStrictEqual({ ...sample, blocks: 2, minutes: 2000, amountCents: 19800 });
  });

  it('when Zapier replays the same step, then the same key is sent again', async () => {
    const seen: string[] = [];
    atlas()
      .post('/v1/api/billing/extra-minutes', { blocks: 1 })
      .times(2)
      .reply(function () {
        seen.push(String(this.req.headers['idempotency-key']));
        return [201, sample];
      });
    const bundle = { authData, inputData: { blocks: 1, reference: 'evt_same' } };
    await appTester(perform, bundle);
    await appTester(perform, bundle);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toMatch(/^zapier-buy_extra_minutes-[0-9a-f]{40}$/);
  });

  it('when no card is saved, then the pending purchase and its checkout link are passed on', async () => {
    // What the server answers then: 202 with status pending and the Checkout URL.
    const pending = {
      ...sample,
      status: 'pending',
      checkoutUrl: 'https://checkout.stripe.test/c/pay_1',
    };
    atlas().post('/v1/api/billing/extra-minutes', { blocks: 1 }).reply(202, pending);
    expect(await appTester(perform, { authData, inputData: { blocks: 1 } })).toStrictEqual(pending);
  });

  it('when the plan cannot buy extra minutes, then the server message and its details are shown', async () => {
    // The server's answer for a Free-plan account, as the end-to-end test sees it.
    const message =
      'The Free plan cannot buy extra minutes. Upgrade to a paid plan (POST /v1/api/billing/checkout with a planId such as "starter"), then buy again.';
    atlas()
      .post('/v1/api/billing/extra-minutes', { blocks: 1 })
      .reply(403, {
        statusCode: 403,
        error: 'Forbidden',
        message,
        details: [{ field: 'planId', message: 'free does not allow extra minutes' }],
      });
    const error = await caught(appTester(perform, { authData, inputData: { blocks: 1 } }));
    expect(parsedErrorMessage(error)).toStrictEqual({
      message: `${message} (planId: free does not allow extra minutes)`,
      code: 'Forbidden',
      status: 403,
    });
  });

  it('when blocks is not a positive whole number, then nothing is bought', async () => {
    const error = await caught(appTester(perform, { authData, inputData: { blocks: 0 } }));
    expect(parsedErrorMessage(error).message).toBe('Blocks must be a whole number, 1 or more (got "0").');
  });
});
