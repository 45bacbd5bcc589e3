import Ajv2020 from 'ajv/dist/2020';
import { firstTextProblem } from '../domain/untrustedText';

/*
 * The fields of a Stripe event that applyStripeEvent reads, for the types it applies. A signed
 * event is authentic but may still not be what the code expects (an API version we were not
 * written for, a hand-made test event): it is acknowledged as not applicable rather than failing
 * on a missing field, because Stripe would only retry the same bytes.
 */
const id = { type: 'string', minLength: 1, maxLength: 255 };
const reference = { anyOf: [id, { type: 'object', required: ['id'], properties: { id } }, { type: 'null' }] };
const metadata = { type: ['object', 'null'], additionalProperties: { type: 'string' } };
const object = (required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  required,
  properties,
});

const SUBSCRIPTION = object(['id', 'status', 'created', 'items'], {
  id,
  status: { type: 'string' },
  created: { type: 'integer' },
  customer: reference,
  metadata,
  items: object(['data'], {
    data: { type: 'array', items: object(['price'], { price: object(['id'], { id }) }) },
  }),
});
const INVOICE = object(['lines'], {
  customer: reference,
  billing_reason: { type: ['string', 'null'] },
  lines: object(['data'], {
    data: {
      type: 'array',
      items: object([], {
        period: object(['start', 'end'], { start: { type: 'integer' }, end: { type: 'integer' } }),
      }),
    },
  }),
});
const PAYMENT_INTENT = object(['id'], { id, metadata, amount_received: { type: ['integer', 'null'] } });
const CHECKOUT_SESSION = object([], {
  mode: { type: ['string', 'null'] },
  metadata,
  customer: reference,
  payment_intent: reference,
  client_reference_id: { type: ['string', 'null'] },
  amount_total: { type: ['integer', 'null'] },
});

const OBJECT_OF_TYPE: Record<string, object> = {
  'checkout.session.completed': CHECKOUT_SESSION,
  'customer.subscription.created': SUBSCRIPTION,
  'customer.subscription.updated': SUBSCRIPTION,
  'customer.subscription.deleted': SUBSCRIPTION,
  'invoice.paid': INVOICE,
  'payment_intent.succeeded': PAYMENT_INTENT,
  'payment_intent.payment_failed': PAYMENT_INTENT,
};

const ajv = new Ajv2020({ allErrors: false, strict: false });
const ENVELOPE = ajv.compile(
  object(['id', 'type', 'created', 'data'], {
    id,
    type: { type: 'string', minLength: 1 },
    created: { type: 'integer' },
    data: object(['object'], { object: { type: 'object' } }),
  }),
);
const validators = new Map(
  Object.entries(OBJECT_OF_TYPE).map(([type, schema]) => [type, ajv.compile(schema)]),
);

/** Why a verified event cannot be applied, or undefined when applyStripeEvent can read it. */
export function stripeEventProblem(event: unknown): string | undefined {
  if (!ENVELOPE(event)) return describe('', ENVELOPE.errors?.[0]);
  const { type, data } = event as { type: string; data: { object: unknown } };
  const validate = validators.get(type);
  if (!validate) return undefined;
  if (!validate(data.object)) return describe('data.object', validate.errors?.[0]);
  const text = firstTextProblem(data.object, 'text', 'data.object');
  return text ? `${text.field} ${text.message}` : undefined;
}

/** The failing field as a dotted path (data.object.items), then what is wrong with it. */
function describe(under: string, error: { instancePath: string; message?: string } | undefined): string {
  const field = [under, ...(error?.instancePath.split('/').filter(Boolean) ?? [])].filter(Boolean).join('.');
  return `${field || 'the event'} ${error?.message ?? 'is malformed'}`;
}
