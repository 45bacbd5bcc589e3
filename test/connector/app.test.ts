import zapier from 'zapier-platform-core';
import App from '../../connector/src/index';
import connectorPackage from '../../connector/package.json';
import rootPackage from '../../package.json';

// createAppHandler is exported at runtime (the CLI's validate uses it) but not declared in v19's types.
declare module 'zapier-platform-core' {
  export function createAppHandler(app: object): (event: { command: 'validate' }) => Promise<unknown>;
}

describe('the Zapier app definition', () => {
  it('when validated by zapier-platform-core, then it has no schema errors', async () => {
    const result = await zapier.createAppHandler(App)({ command: 'validate' });
    expect(result).toStrictEqual({ results: [], status: 'SUCCESS' });
  });

  it('when a definition is broken, then the same check reports it (so the test above can fail)', async () => {
    const broken = {
      ...App,
      triggers: { ...App.triggers, minutes_low: { ...App.triggers.minutes_low, noun: 7 } },
    };
    const result = await zapier.createAppHandler(broken)({ command: 'validate' });
    expect(result).toMatchObject({
      results: [expect.objectContaining({ property: 'instance.triggers.minutes_low.noun' })],
    });
  });

  it('when listed, then it offers exactly the keys of issues 6 and 11', () => {
    expect(Object.keys(App.triggers).sort()).toStrictEqual(
      [
        'account_updated',
        'call_campaign_list',
        'call_completed',
        'call_started',
        'campaign_list',
        'message_received',
        'message_sent',
        'minutes_low',
        'minutes_purchased',
        'plan_changed',
      ].sort(),
    );
    expect(Object.keys(App.creates).sort()).toStrictEqual([
      'buy_extra_minutes',
      'cancel_call',
      'start_call',
      'update_account_details',
    ]);
    expect(Object.keys(App.searches).sort()).toStrictEqual(['find_call', 'get_account', 'get_usage']);
  });

  it('when packaged, then the connector pins the same zapier-platform-core the tests run', () => {
    expect(connectorPackage.dependencies['zapier-platform-core']).toBe(
      rootPackage.dependencies['zapier-platform-core'],
    );
    expect(App.platformVersion).toBe(connectorPackage.dependencies['zapier-platform-core']);
  });

  it('when the dropdown triggers are shown, then they are hidden from users', () => {
    expect(App.triggers.campaign_list?.display.hidden).toBe(true);
    expect(App.triggers.call_campaign_list?.display.hidden).toBe(true);
  });
});
