/**
 * The authorize flow as a browser walks it, without a browser: open the authorize URL an
 * integration built (keeping the form cookie), read the sign-in form, post the admin's email and
 * password with a decision, and read where the server redirects. Works for any client (Zapier,
 * Make, GHL), because it starts from the URL the integration itself produced.
 */

export interface SignIn {
  email: string;
  password: string;
}

export interface SignInForm {
  /** Absolute URL the form posts to. */
  action: string;
  /** The form's hidden fields (the authorization request and its CSRF token). */
  fields: Record<string, string>;
  /** `name=value` of the cookie the page set, to send back with the post. */
  cookie: string;
  html: string;
}

export interface AuthorizeRedirect {
  /** Where the server sent the browser (the client's redirect URI with code/error and state). */
  location: URL;
  code: string | null;
  state: string | null;
  error: string | null;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const hex = entity[1] === 'x' || entity[1] === 'X';
      return String.fromCodePoint(Number.parseInt(entity.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag, in any order and quoting. */
function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    attrs[match[1]!.toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attrs;
}

/** Reads the first form of a page: its action (resolved against the page) and hidden inputs. */
export function parseSignInForm(html: string, pageUrl: string): Omit<SignInForm, 'cookie' | 'html'> {
  const formTag = /<form\b[^>]*>/i.exec(html);
  if (!formTag) throw new Error(`no <form> on the authorize page:\n${html.slice(0, 500)}`);
  const action = new URL(attributes(formTag[0]).action ?? '', pageUrl).toString();
  const fields: Record<string, string> = {};
  for (const input of html.matchAll(/<input\b[^>]*>/gi)) {
    const attrs = attributes(input[0]);
    if (attrs.type?.toLowerCase() === 'hidden' && attrs.name) fields[attrs.name] = attrs.value ?? '';
  }
  return { action, fields };
}

/** GET the authorize URL: the sign-in form and the cookie it set. Throws on anything but the form. */
export async function openSignInForm(authorizeUrl: string): Promise<SignInForm> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) {
    throw new Error(
      `GET ${authorizeUrl} answered ${page.status} (location ${page.headers.get('location')}):\n${html.slice(0, 500)}`,
    );
  }
  const cookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  return { ...parseSignInForm(html, authorizeUrl), cookie, html };
}

/** Posts the form as the Allow or Deny button would; expects the redirect back to the client. */
export async function submitSignInForm(
  form: SignInForm,
  signIn: SignIn,
  decision: 'allow' | 'deny' = 'allow',
): Promise<AuthorizeRedirect> {
  const res = await fetch(form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(form.cookie ? { cookie: form.cookie } : {}),
    },
    body: new URLSearchParams({
      ...form.fields,
      email: signIn.email,
      password: signIn.password,
      decision,
    }).toString(),
  });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) {
    throw new Error(
      `sign-in answered ${res.status} instead of a redirect:\n${(await res.text()).slice(0, 500)}`,
    );
  }
  const url = new URL(location, form.action);
  return {
    location: url,
    code: url.searchParams.get('code'),
    state: url.searchParams.get('state'),
    error: url.searchParams.get('error'),
  };
}

/** The whole flow: sign in, allow, and return the code and state the client receives. */
export async function signInAndAllow(
  authorizeUrl: string,
  signIn: SignIn,
): Promise<AuthorizeRedirect & { code: string }> {
  const redirect = await submitSignInForm(await openSignInForm(authorizeUrl), signIn, 'allow');
  if (!redirect.code) throw new Error(`no code in the redirect ${redirect.location.toString()}`);
  return { ...redirect, code: redirect.code };
}
