import type { Delivery, Subscription, TriggerName } from '../../../../schemas/generated/types';
import type { DeliveryStatus } from '../../db/schema';
import { DELIVERY_STATUSES } from '../../domain/hooks/deliveries';
import type { DeliveryStats } from '../../domain/hooks/deliveryStats';
import type { HookHealth } from '../../domain/hooks/hookHealth';
import { TRIGGER_NAMES } from '../../domain/hooks/samples';
import type { ConnectedApp } from '../../domain/oauth/connectedApps';
import type { LinkedLocation } from '../../ghl/accountLocations';
import { html, type SafeHtml } from './html';
import { formatInstant } from './money';
import { CSRF_FIELD } from './session';

export interface DeliveryLogFilter {
  status?: DeliveryStatus;
  triggerName?: TriggerName;
  subscriptionId?: string;
}

export interface IntegrationsView {
  csrfToken: string;
  apps: ConnectedApp[];
  ghlLocations: LinkedLocation[];
  apiKey?: { prefix: string; createdAt: string };
  /** The key just created: the one time it is shown. */
  newApiKey?: string;
  hooks: Subscription[];
  /** Hooks are shown a page at a time: the cursor of this page and of the next one, if any. */
  hooksPage: { after?: string; next?: string };
  health: Map<string, HookHealth>;
  deliveries: Delivery[];
  olderCursor?: string;
  filter: DeliveryLogFilter;
  stats: DeliveryStats;
  notice?: string;
}

const csrfField = (token: string) => html`<input type="hidden" name="${CSRF_FIELD}" value="${token}" />`;

/** Enough of a hook URL to recognise it; the rest (often a capability token) stays off the page. */
export function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname.length > 16 ? `${parsed.pathname.slice(0, 16)}…` : parsed.pathname;
    return `${parsed.host}${path}${parsed.search ? '?…' : ''}`;
  } catch {
    return url.slice(0, 32);
  }
}

const disconnectForm = (action: string, label: string, csrfToken: string) =>
  html`<form method="post" action="${action}">
    ${csrfField(csrfToken)}<button class="danger" type="submit" aria-label="${label}">Disconnect</button>
  </form>`;

function appsTable(view: IntegrationsView): SafeHtml {
  const rows = view.apps.map(
    (app) =>
      html`<tr>
        <td>${app.name}</td>
        <td>${formatInstant(app.connectedAt)}</td>
        <td>${formatInstant(app.lastUsedAt)}</td>
        <td>
          ${disconnectForm(`/account/integrations/apps/${app.clientId}/disconnect`, `Disconnect ${app.name}`, view.csrfToken)}
        </td>
      </tr>`,
  );
  return html`<div class="table">
    <table>
      <thead>
        <tr>
          <th scope="col">App</th>
          <th scope="col">Connected</th>
          <th scope="col">Last used</th>
          <th scope="col"><span class="muted">Action</span></th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

function ghlLocationsTable(view: IntegrationsView): SafeHtml {
  const rows = view.ghlLocations.map(
    (location) =>
      html`<tr data-ghl-location="${location.locationId}">
        <td>${location.name}</td>
        <td><code>${location.locationId}</code></td>
        <td>${formatInstant(location.linkedAt)}</td>
        <td>${formatInstant(location.lastUsedAt)}</td>
        <td>
          ${disconnectForm(`/account/integrations/ghl-locations/${encodeURIComponent(location.locationId)}/disconnect`, `Disconnect GHL location ${location.name}`, view.csrfToken)}
        </td>
      </tr>`,
  );
  return html`<h3 id="ghl-locations-title">GoHighLevel locations</h3>
    <div class="table">
      <table aria-labelledby="ghl-locations-title">
        <thead>
          <tr>
            <th scope="col">Location</th>
            <th scope="col">Location id</th>
            <th scope="col">Linked</th>
            <th scope="col">Last used</th>
            <th scope="col"><span class="muted">Action</span></th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
    <p class="muted">
      Last used: the latest event delivered to one of the location's workflows, call started by one, or
      workflow trigger published or changed.
    </p>`;
}

function appsSection(view: IntegrationsView): SafeHtml {
  const empty = !view.apps.length && !view.ghlLocations.length;
  return html`<section aria-labelledby="apps-title">
    <h2 id="apps-title">Connected apps</h2>
    ${
      empty
        ? html`<p class="muted">
            No app is connected. Connect Atlas from Zapier, Make or GoHighLevel and it shows here.
          </p>`
        : html`${view.apps.length ? appsTable(view) : ''}
          ${view.ghlLocations.length ? ghlLocationsTable(view) : ''}`
    }
  </section>`;
}

function apiKeySection(view: IntegrationsView): SafeHtml {
  return html`<section aria-labelledby="key-title">
    <h2 id="key-title">API key</h2>
    ${
      view.newApiKey
        ? html`<p role="status" class="notice">
              Copy your new API key now: it is shown only this once. The previous key no longer works.
            </p>
            <p class="secret" id="new-api-key">${view.newApiKey}</p>`
        : ''
    }
    <p>
      ${view.apiKey ? html`Active key <code>${view.apiKey.prefix}…</code>, created ${formatInstant(view.apiKey.createdAt)}.` : 'No API key yet.'}
    </p>
    <form method="post" action="/account/integrations/api-key">
      ${csrfField(view.csrfToken)}<button type="submit">
        ${view.apiKey ? 'Rotate API key' : 'Create API key'}
      </button>
    </form>
  </section>`;
}

function healthText(health: HookHealth | undefined): SafeHtml {
  if (!health || (!health.lastSuccessAt && health.recentAttempts === 0))
    return html`<span class="muted">No deliveries yet</span>`;
  const rate = health.recentAttempts ? Math.round((health.recentFailures / health.recentAttempts) * 100) : 0;
  return html`Last success ${formatInstant(health.lastSuccessAt)}<br /><span
      class="${rate > 0 ? 'status-dead' : 'status-delivered'}"
      >${rate}% failed</span
    >
    <span class="muted">(${health.recentFailures} of ${health.recentAttempts} attempts, 24 h)</span>`;
}

function hooksPager(page: IntegrationsView['hooksPage']): SafeHtml {
  if (!page.after && !page.next) return html``;
  return html`<p class="row">
    ${page.after ? html`<a class="button secondary" href="/account/integrations#hooks-title">First hooks</a>` : ''}
    ${page.next ? html`<a class="button secondary" href="/account/integrations?hooks_after=${page.next}#hooks-title">More hooks</a>` : ''}
  </p>`;
}

function hooksSection(view: IntegrationsView): SafeHtml {
  const rows = view.hooks.map(
    (hook) =>
      html`<tr>
        <td>${hook.triggerName}</td>
        <td>${hook.campaignId === '*' ? 'All campaigns' : hook.campaignId}</td>
        <td>${hook.provider}</td>
        <td><code>${shortUrl(hook.hookUrl)}</code></td>
        <td>${healthText(view.health.get(hook.id))}</td>
        <td>
          <form method="post" action="/account/integrations/hooks/${hook.id}/test">
            ${csrfField(view.csrfToken)}<button
              class="secondary"
              type="submit"
              aria-label="Send a test ${hook.triggerName} event"
            >
              Send test event
            </button>
          </form>
          <form method="post" action="/account/integrations/hooks/${hook.id}/delete">
            ${csrfField(view.csrfToken)}<button
              class="danger"
              type="submit"
              aria-label="Delete the ${hook.triggerName} hook"
            >
              Delete
            </button>
          </form>
        </td>
      </tr>`,
  );
  return html`<section aria-labelledby="hooks-title">
    <h2 id="hooks-title">Hooks</h2>
    ${
      view.hooks.length
        ? html`<div class="table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Trigger</th>
                  <th scope="col">Campaign</th>
                  <th scope="col">Provider</th>
                  <th scope="col">URL</th>
                  <th scope="col">Health</th>
                  <th scope="col"><span class="muted">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
        : html`<p class="muted">
            No hooks. A zap, scenario or workflow subscribes one when it is turned on.
          </p>`
    }
    ${hooksPager(view.hooksPage)}
  </section>`;
}

/** One labelled filter of the delivery log; its first choice is "any". */
function filterSelect(
  name: string,
  label: string,
  anyLabel: string,
  choices: [value: string, text: string][],
  selected: string | undefined,
): SafeHtml {
  const option = ([value, text]: [string, string]) =>
    html`<option value="${value}" ${value === (selected ?? '') ? html`selected` : ''}>${text}</option>`;
  return html`<div>
    <label for="filter-${name}">${label}</label>
    <select id="filter-${name}" name="${name}">
      ${option(['', anyLabel])}${choices.map(option)}
    </select>
  </div>`;
}

function deliveryItem(delivery: Delivery, csrfToken: string): SafeHtml {
  const attempts = delivery.attempts.map(
    (a) =>
      html`<tr>
        <td>${formatInstant(a.startedAt)}</td>
        <td>${a.statusCode ?? '—'}</td>
        <td>${a.durationMs} ms</td>
        <td>${a.outcome}</td>
        <td>${a.error ?? ''}</td>
      </tr>`,
  );
  return html`<details data-delivery="${delivery.id}">
    <summary>
      <span class="status-${delivery.status}">${delivery.status}</span><span>${delivery.triggerName}</span
      ><code>${shortUrl(delivery.hookUrl)}</code
      ><span class="muted"
        >${formatInstant(delivery.createdAt)} · ${delivery.attemptCount}
        attempt${delivery.attemptCount === 1 ? '' : 's'}</span
      >
    </summary>
    <p class="muted">
      Delivery ${delivery.id} of event
      ${delivery.eventId}${delivery.nextAttemptAt ? html` · next attempt ${formatInstant(delivery.nextAttemptAt)}` : ''}
    </p>
    ${
      attempts.length
        ? html`<div class="table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Status code</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                ${attempts}
              </tbody>
            </table>
          </div>`
        : html`<p class="muted">Not attempted yet.</p>`
    }${
      delivery.status === 'dead'
        ? html`<form method="post" action="/account/integrations/deliveries/${delivery.id}/replay">
            ${csrfField(csrfToken)}
            <div class="row"><button type="submit">Replay</button></div>
          </form>`
        : ''
    }
  </details>`;
}

function deliveryLogSection(view: IntegrationsView): SafeHtml {
  const { filter } = view;
  const olderQuery = new URLSearchParams({
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.triggerName ? { trigger: filter.triggerName } : {}),
    ...(filter.subscriptionId ? { subscription: filter.subscriptionId } : {}),
    ...(view.olderCursor ? { before: view.olderCursor } : {}),
  });
  return html`<section aria-labelledby="log-title">
    <h2 id="log-title">Delivery log</h2>
    <form method="get" action="/account/integrations#log-title" class="filters">
      ${filterSelect(
        'status',
        'Status',
        'Any status',
        DELIVERY_STATUSES.map((st) => [st, st]),
        filter.status,
      )}
      ${filterSelect(
        'trigger',
        'Trigger',
        'Any trigger',
        TRIGGER_NAMES.map((t) => [t, t]),
        filter.triggerName,
      )}
      ${filterSelect(
        'subscription',
        'Hook',
        'Any hook',
        view.hooks.map((h) => [h.id, `${h.triggerName} → ${shortUrl(h.hookUrl)}`]),
        filter.subscriptionId,
      )}
      <div><button type="submit">Filter</button></div>
    </form>
    <div id="deliveries">
      ${
        view.deliveries.length
          ? view.deliveries.map((d) => deliveryItem(d, view.csrfToken))
          : html`<p class="muted">No deliveries match.</p>`
      }
    </div>
    ${view.olderCursor ? html`<p class="row"><a class="button secondary" href="/account/integrations?${olderQuery.toString()}#log-title">Older deliveries</a></p>` : ''}
  </section>`;
}

function chartsSection(stats: DeliveryStats): SafeHtml {
  const t = stats.totals;
  return html`<section aria-labelledby="charts-title">
      <h2 id="charts-title">Last 24 hours</h2>
      <p id="stats-summary">
        ${t.delivered} delivered, ${t.retrying} retrying, ${t.dead} dead · attempt latency p50
        ${t.p50Ms ?? '—'} ms, p95 ${t.p95Ms ?? '—'} ms (${t.attempts} attempts)
      </p>
      <div class="charts">
        <figure>
          <figcaption>Deliveries per hour by outcome</figcaption>
          <div class="chart">
            <canvas
              id="deliveries-chart"
              role="img"
              aria-label="Deliveries per hour over the last 24 hours, stacked by outcome"
            ></canvas>
          </div>
        </figure>
        <figure>
          <figcaption>Attempt latency per hour (p50, p95)</figcaption>
          <div class="chart">
            <canvas
              id="latency-chart"
              role="img"
              aria-label="Attempt latency p50 and p95 per hour over the last 24 hours"
            ></canvas>
          </div>
        </figure>
      </div>
    </section>
    <section aria-labelledby="tail-title">
      <h2 id="tail-title">Live tail</h2>
      <p class="muted">New events of this account appear here as they happen.</p>
      <ul id="tail" aria-live="polite"></ul>
    </section>`;
}

export function integrationsBody(view: IntegrationsView): SafeHtml {
  return html`<h1>Integrations</h1>
    ${view.notice ? html`<p role="status" class="notice">${view.notice}</p>` : ''} ${appsSection(view)}
    ${apiKeySection(view)} ${hooksSection(view)} ${chartsSection(view.stats)} ${deliveryLogSection(view)}`;
}
