import type { FieldProblem } from '../../domain/errors';
import type { Account } from '../../../../schemas/generated/types';
import { html, type SafeHtml } from './html';
import { PICTURE_PATH } from './pictureRoutes';
import { CSRF_FIELD } from './session';

export interface SettingsView {
  account: Account;
  csrfToken: string;
  /** What the admin typed, shown again when it was refused. */
  values?: Partial<Record<'companyName' | 'adminName' | 'adminEmail', string>>;
  problems?: FieldProblem[];
  alert?: string;
  notice?: string;
}

const FIELDS = [
  { name: 'companyName', label: 'Company name', type: 'text', autocomplete: 'organization' },
  { name: 'adminName', label: 'Admin name', type: 'text', autocomplete: 'name' },
  { name: 'adminEmail', label: 'Admin email', type: 'email', autocomplete: 'email' },
] as const;

function problemOf(problems: FieldProblem[] | undefined, field: string): string | undefined {
  const found = problems?.filter((p) => p.field === field).map((p) => p.message);
  return found?.length ? found.join('; ') : undefined;
}

/** The inputs of one field, its label and, when refused, the API's message for it right below. */
function field(view: SettingsView, spec: (typeof FIELDS)[number]): SafeHtml {
  const problem = problemOf(view.problems, spec.name);
  const value = view.values?.[spec.name] ?? view.account[spec.name];
  const errorId = `${spec.name}-error`;
  return html`<label for="${spec.name}">${spec.label}</label>
    <input
      id="${spec.name}"
      name="${spec.name}"
      type="${spec.type}"
      autocomplete="${spec.autocomplete}"
      value="${value}"
      ${problem ? html` aria-invalid="true" aria-describedby="${errorId}"` : ''}
    />${problem ? html`<p class="field-error" id="${errorId}">${spec.label} ${problem}</p>` : ''}`;
}

/**
 * The picture when this server stores it (shown by its path: the page's policy loads images from
 * here only); a URL set elsewhere through the API is named, not loaded.
 */
function avatar(account: Account): SafeHtml {
  const path = account.profilePictureUrl ? new URL(account.profilePictureUrl).pathname : '';
  if (path.startsWith(`${PICTURE_PATH}/`))
    return html`<img
      class="avatar"
      id="avatar"
      src="${path}"
      alt="Profile picture of ${account.adminName}"
    />`;
  return html`<span class="avatar" id="avatar" role="img" aria-label="No profile picture uploaded"></span>${
      account.profilePictureUrl
        ? html`<span class="muted">Picture set by URL: ${account.profilePictureUrl}</span>`
        : ''
    }`;
}

export function settingsBody(view: SettingsView): SafeHtml {
  const { account, csrfToken } = view;
  const pictureProblem = problemOf(view.problems, 'picture');
  const csrf = html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}" />`;
  return html`<h1>Account Settings</h1>
    ${view.notice ? html`<p role="status" class="notice">${view.notice}</p>` : ''}
    ${view.alert ? html`<p role="alert" class="alert">${view.alert}</p>` : ''}
    <section aria-labelledby="picture-title">
      <h2 id="picture-title">Profile picture</h2>
      <div class="row">${avatar(account)}</div>
      <form method="post" action="/account/settings/picture" enctype="multipart/form-data">
        ${csrf}
        <label for="picture">Upload a picture (PNG, JPEG or WebP, up to 2 MB)</label>
        <input
          id="picture"
          name="picture"
          type="file"
          accept="image/png,image/jpeg,image/webp"
          required${pictureProblem ? html` aria-invalid="true" aria-describedby="picture-error"` : ''}
        />${pictureProblem ? html`<p class="field-error" id="picture-error">Picture ${pictureProblem}</p>` : ''}
        <div class="row"><button type="submit">Upload picture</button></div>
      </form>
      ${
        account.profilePictureUrl
          ? html`<form method="post" action="/account/settings/picture/remove">
              ${csrf}
              <div class="row"><button class="danger" type="submit">Remove picture</button></div>
            </form>`
          : ''
      }
    </section>
    <section aria-labelledby="details-title">
      <h2 id="details-title">Account details</h2>
      <form method="post" action="/account/settings" novalidate>
        ${csrf} ${FIELDS.map((spec) => field(view, spec))}
        <div class="row"><button type="submit">Save changes</button></div>
      </form>
    </section>`;
}
