import type { GhlContact } from './apiClient';

/** CallCreate allows 50 parameters of up to 2000 characters each. */
const MAX_PARAMETERS = 50;
const MAX_VALUE = 2000;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const out =
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? value.map(String).join(', ')
        : JSON.stringify(value);
  return out.trim() ? out.slice(0, MAX_VALUE) : undefined;
}

/**
 * "GHL call enrichment": the contact's fields as call parameters the AI agent may use —
 * ghl_contact_id, ghl_first_name, ghl_last_name, ghl_name, ghl_email, ghl_tags (comma-separated)
 * and one ghl_cf_<custom field key or id> per custom field with a value. Empty fields are left out;
 * parameters the workflow passed itself win over the contact's.
 */
export function enrichmentParameters(contact: GhlContact): Record<string, string> {
  const fields: Array<[string, unknown]> = [
    ['ghl_contact_id', contact.id],
    ['ghl_first_name', contact.firstName],
    ['ghl_last_name', contact.lastName],
    ['ghl_name', contactName(contact)],
    ['ghl_email', contact.email],
    ['ghl_tags', contact.tags],
  ];
  for (const field of contact.customFields ?? []) {
    const name = String(field.key ?? field.id ?? '')
      .replace(/^contact\./, '')
      .replace(/[^A-Za-z0-9_]/g, '_');
    if (name) fields.push([`ghl_cf_${name}`.slice(0, 100), field.value]);
  }
  const parameters: Record<string, string> = {};
  for (const [name, value] of fields) {
    const valueText = text(value);
    if (valueText !== undefined && Object.keys(parameters).length < MAX_PARAMETERS)
      parameters[name] = valueText;
  }
  return parameters;
}

export function contactName(contact: GhlContact): string | undefined {
  const joined = [contact.firstName, contact.lastName].filter((part) => part && part.trim()).join(' ');
  return (contact.name?.trim() || joined || undefined)?.slice(0, 200);
}
