import type { ExtraMinutesPurchase, Plan, Usage } from '../../../../schemas/generated/types';
import { MINUTES_PER_BLOCK, PLANS, extraMinutesPriceCents } from '../../domain/plans';
import { html, type SafeHtml } from './html';
import { formatInstant, formatMoney } from './money';
import { CSRF_FIELD } from './session';

export interface BillingView {
  plan: Plan;
  usage: Usage;
  csrfToken: string;
  sandbox: boolean;
  purchase?: ExtraMinutesPurchase;
  notice?: string;
  alert?: string;
  /** A refused block count: what was typed, and why, shown at the field. */
  refusedBlocks?: { value: string; problem: string };
}

const csrfField = (token: string) => html`<input type="hidden" name="${CSRF_FIELD}" value="${token}" />`;

function usageSection(usage: Usage): SafeHtml {
  const total = usage.includedMinutes + usage.extraMinutes;
  return html`<section aria-labelledby="usage-title">
    <h2 id="usage-title">Call-time usage</h2>
    <label for="usage-bar">${usage.usedMinutes} of ${total} minutes used (${usage.percentUsed}%)</label>
    <progress id="usage-bar" max="${Math.max(total, 1)}" value="${Math.min(usage.usedMinutes, total)}">
      ${usage.percentUsed}%
    </progress>
    <p class="muted">
      ${usage.includedMinutes} included + ${usage.extraMinutes} extra minutes · ${usage.remainingMinutes} left
      · the period ends ${formatInstant(usage.periodEnd)}
    </p>
  </section>`;
}

function planCard(plan: Plan, current: Plan, csrfToken: string): SafeHtml {
  const isCurrent = plan.id === current.id;
  return html`<article class="plan${isCurrent ? ' current' : ''}" aria-labelledby="plan-${plan.id}">
    <h3 id="plan-${plan.id}">${plan.name}</h3>
    <p class="price">
      ${formatMoney(plan.monthlyPriceCents, plan.currency)}<span class="muted"> / month</span>
    </p>
    <p>${plan.includedMinutes} minutes of call time</p>
    <ul>
      ${plan.features.map((feature) => html`<li>${feature}</li>`)}
    </ul>
    ${
      isCurrent
        ? html`<p><strong>Your current plan</strong></p>`
        : html`<form method="post" action="/account/billing/plan">
            ${csrfField(csrfToken)}<input type="hidden" name="planId" value="${plan.id}" /><button
              type="submit"
              aria-label="Select the ${plan.name} plan"
            >
              Select
            </button>
          </form>`
    }
  </article>`;
}

function purchaseResult(purchase: ExtraMinutesPurchase): SafeHtml {
  const what = `${purchase.minutes} extra minutes for ${formatMoney(purchase.amountCents, purchase.currency)}`;
  if (purchase.status === 'succeeded')
    return html`<p role="status" class="notice" id="purchase-result">
      Purchase succeeded: ${what} are added to this
      period.${purchase.livemode ? '' : ' (sandbox: no payment was taken)'}
    </p>`;
  if (purchase.status === 'pending')
    return html`<p role="status" class="notice" id="purchase-result">
      Purchase pending: ${what}.
      ${
        purchase.checkoutUrl
          ? html`<a href="${purchase.checkoutUrl}">Pay in Checkout</a> to finish it.`
          : 'The payment is being confirmed; the minutes are added once it is.'
      }
    </p>`;
  return html`<p role="alert" class="alert" id="purchase-result">
    Purchase not completed: ${purchase.message ?? 'the payment failed'}.
  </p>`;
}

function extraMinutesSection(plan: Plan, csrfToken: string, refused: BillingView['refusedBlocks']): SafeHtml {
  const blockPrice = extraMinutesPriceCents(plan, 1);
  if (blockPrice === null)
    return html`<section aria-labelledby="extra-title">
      <h2 id="extra-title">Get extra minutes</h2>
      <p>
        The ${plan.name} plan cannot buy extra minutes. Select a paid plan above, then buy blocks of
        ${MINUTES_PER_BLOCK} minutes.
      </p>
    </section>`;
  return html`<section aria-labelledby="extra-title">
    <h2 id="extra-title">Get extra minutes</h2>
    <p>
      Blocks of ${MINUTES_PER_BLOCK} minutes at ${formatMoney(blockPrice, plan.currency)} each on the
      ${plan.name} plan. Unused extra minutes carry over to the next period.
    </p>
    <form method="post" action="/account/billing/extra-minutes/review">
      ${csrfField(csrfToken)}
      <label for="blocks">Number of ${MINUTES_PER_BLOCK}-minute blocks</label>
      <input
        id="blocks"
        name="blocks"
        type="number"
        min="1"
        max="100"
        step="1"
        value="${refused?.value ?? '1'}"
        required
        inputmode="numeric"
        ${refused ? html` aria-invalid="true" aria-describedby="blocks-error"` : ''}
      />${refused ? html`<p class="field-error" id="blocks-error">${refused.problem}</p>` : ''}
      <div class="row"><button type="submit">Review purchase</button></div>
    </form>
  </section>`;
}

export function billingBody(view: BillingView): SafeHtml {
  const { plan, usage, csrfToken } = view;
  return html`<h1>Account Billing ${view.sandbox ? html`<span class="badge">sandbox</span>` : ''}</h1>
    ${view.notice ? html`<p role="status" class="notice">${view.notice}</p>` : ''}
    ${view.alert ? html`<p role="alert" class="alert">${view.alert}</p>` : ''}
    ${view.purchase ? purchaseResult(view.purchase) : ''}
    <section aria-labelledby="plan-title">
      <h2 id="plan-title">Current plan: ${plan.name}</h2>
      <p>
        ${formatMoney(plan.monthlyPriceCents, plan.currency)} a month · ${plan.includedMinutes} minutes
        included
      </p>
      <form method="post" action="/account/billing/portal">
        ${csrfField(csrfToken)}<button type="submit">Manage Subscriptions</button>
      </form>
      ${
        plan.workshopBookingUrl
          ? html`<p class="row">
              <a class="button secondary" href="${plan.workshopBookingUrl}" rel="noopener noreferrer"
                >Book your AI workshop</a
              >
            </p>`
          : ''
      }
    </section>
    ${usageSection(usage)}
    <section aria-labelledby="plans-title">
      <h2 id="plans-title">Plans</h2>
      <div class="plans">${PLANS.map((p) => planCard(p, plan, csrfToken))}</div>
    </section>
    ${extraMinutesSection(plan, csrfToken, view.refusedBlocks)}`;
}

/** The confirmation step: the server's price, and a key of this confirmation so a double click buys once. */
export function confirmBody(input: {
  plan: Plan;
  blocks: number;
  amountCents: number;
  idempotencyKey: string;
  csrfToken: string;
}): SafeHtml {
  const minutes = input.blocks * MINUTES_PER_BLOCK;
  return html`<h1>Confirm your purchase</h1>
    <section aria-labelledby="confirm-title">
      <h2 id="confirm-title">${minutes} extra minutes</h2>
      <p>
        ${input.blocks} block${input.blocks === 1 ? '' : 's'} of ${MINUTES_PER_BLOCK} minutes on the
        ${input.plan.name} plan:
        <strong id="purchase-price">${formatMoney(input.amountCents, input.plan.currency)}</strong>, charged
        to the card on file (or in Checkout if there is none).
      </p>
      <form method="post" action="/account/billing/extra-minutes" data-once>
        ${csrfField(input.csrfToken)} <input type="hidden" name="blocks" value="${input.blocks}" /><input
          type="hidden"
          name="idempotencyKey"
          value="${input.idempotencyKey}"
        />
        <div class="row">
          <button type="submit" id="confirm-purchase">Confirm purchase</button
          ><a class="button secondary" href="/account/billing">Cancel</a>
        </div>
      </form>
    </section>`;
}
