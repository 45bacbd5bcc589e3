// The Make app's components: what makecomapp.json lists and which code files each has. The
// event-driven parts (one dedicated webhook and one instant trigger per event) are written here
// from the event schemas; the request logic of the connection, actions, searches and RPCs is
// hand-written in connector/make/ and only listed.

export const camel = (snake) => snake.replace(/_([a-z])/g, (_m, c) => c.toUpperCase());
const pascal = (snake) => camel(snake).replace(/^[a-z]/, (c) => c.toUpperCase());
const words = (snake) =>
  snake
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');

export const CONNECTION = 'atlas';
const CAMPAIGN_RPC = 'rpc://listCampaigns';

/** Events whose subscriptions can be narrowed to one campaign (the others are account-wide). */
const CAMPAIGN_EVENTS = new Set(['call_started', 'call_completed', 'message_received', 'message_sent']);

function webhookParams(event) {
  if (event === 'minutes_low')
    return [
      {
        name: 'thresholdMinutes',
        label: 'Threshold (minutes)',
        type: 'uinteger',
        help: 'Trigger when remaining call time drops below this many minutes. Empty: 10% of the plan’s included minutes.',
        required: false,
      },
    ];
  if (CAMPAIGN_EVENTS.has(event))
    return [
      {
        name: 'campaignId',
        label: 'Campaign',
        type: 'select',
        options: CAMPAIGN_RPC,
        help: 'Only this campaign’s events. Empty: every campaign.',
        required: false,
      },
    ];
  return [];
}

function attach(event) {
  const body = { hookUrl: '{{webhook.url}}', triggerName: event, provider: 'make' };
  if (CAMPAIGN_EVENTS.has(event)) body.campaignId = "{{ifempty(parameters.campaignId, '*')}}";
  if (event === 'minutes_low') body.thresholdMinutes = '{{parameters.thresholdMinutes}}';
  return {
    url: '/v1/api/events-gateway/trigger/subscribe',
    method: 'POST',
    body,
    // Kept by Make as this webhook's data: detach unsubscribes by the subscription id.
    response: { data: { externalHookId: '{{body.id}}' } },
  };
}

const detach = {
  url: '/v1/api/events-gateway/trigger/unsubscribe',
  method: 'DELETE',
  body: { id: '{{webhook.externalHookId}}' },
};

// Atlas delivers a JSON array of events: one bundle per event.
const incoming = { iterate: '{{body}}', output: '{{item}}' };

const EVENTS = [
  'minutes_low',
  'plan_changed',
  'account_updated',
  'minutes_purchased',
  'call_started',
  'call_completed',
  'message_received',
  'message_sent',
];

/** Hand-written modules: [id, label, description, moduleType, actionCrud, output schema, sample source]. */
const MODULES = [
  [
    'updateAccountDetails',
    'Update Account Details',
    'Changes the company name, admin name, admin email or profile picture of the Atlas account.',
    'action',
    'update',
    'Account.json',
  ],
  [
    'buyExtraMinutes',
    'Buy Extra Minutes',
    'Buys extra call time in blocks of 1000 minutes with the saved card, or returns a checkout link. Never buys twice for one Reference.',
    'action',
    'create',
    'ExtraMinutesPurchase.json',
  ],
  [
    'startCall',
    'Start a Call',
    'Queues an AI call to one person within a campaign. Never calls twice for one Reference.',
    'action',
    'create',
    'Call.json',
  ],
  [
    'getUsage',
    'Get Usage',
    'Returns the call time of the current billing period: included, extra, used and remaining minutes.',
    'search',
    null,
    'Usage.json',
  ],
  [
    'getAccount',
    'Get Account',
    'Returns the Atlas account: company, admin and plan.',
    'search',
    null,
    'Account.json',
  ],
  [
    'cancelCall',
    'Cancel a Call',
    'Cancels a call that is queued or dispatched; a canceled call is never charged.',
    'action',
    'update',
    'Call.json',
  ],
  [
    'getCall',
    'Get a Call',
    'Returns one call by its ID: status, duration, summary, transcript and recording.',
    'search',
    null,
    'Call.json',
  ],
  [
    'listCalls',
    'List Calls',
    'Returns calls newest first, optionally of one campaign, status or since a date, up to a limit.',
    'search',
    null,
    'Call.json',
  ],
];

export const GROUPS = [
  { label: 'Triggers', modules: EVENTS.map((e) => `watch${pascal(e)}`) },
  { label: 'Actions', modules: MODULES.filter((m) => m[3] === 'action').map((m) => m[0]) },
  { label: 'Searches', modules: MODULES.filter((m) => m[3] === 'search').map((m) => m[0]) },
];

const ACCOUNT_SAMPLE = { schema: 'events/account_updated.json', path: ['data', 'account'] };

export function components(schemas) {
  const webhook = EVENTS.map((event) => ({
    id: camel(event),
    meta: { label: words(event), webhookType: 'web', connection: CONNECTION },
    codes: ['communication', 'params', 'attach', 'detach'],
    generated: { communication: incoming, params: webhookParams(event), attach: attach(event), detach },
  }));
  const triggers = EVENTS.map((event) => ({
    id: `watch${pascal(event)}`,
    meta: {
      label: `Watch ${words(event)}`,
      description: `Triggers at once when: ${schemas[`events/${event}.json`].description}`,
      moduleType: 'instant_trigger',
      webhook: camel(event),
    },
    codes: ['interface', 'samples'],
    interfaceOf: schemas[`events/${event}.json`],
  }));
  const modules = MODULES.map(([id, label, description, moduleType, actionCrud, output]) => ({
    id,
    meta: { label, description, moduleType, ...(actionCrud ? { actionCrud } : {}), connection: CONNECTION },
    codes: ['communication', 'mappableParams', 'interface', 'samples'],
    interfaceOf: schemas[output],
    sampleFrom: output === 'Account.json' ? ACCOUNT_SAMPLE : undefined,
  }));
  return {
    connection: [
      {
        id: CONNECTION,
        meta: { label: 'Atlas', connectionType: 'oauth' },
        codes: ['communication', 'params', 'scopeList', 'defaultScope'],
        // clientId, clientSecret and baseUrl: set in Make (or by make:deploy), never in git.
        absent: ['common'],
      },
    ],
    webhook,
    module: [...triggers, ...modules],
    rpc: [
      {
        id: 'listCampaigns',
        meta: { label: 'List campaigns', connection: CONNECTION },
        codes: ['communication', 'params'],
      },
    ],
  };
}
