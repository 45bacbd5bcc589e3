/**
 * The scopes the app asks for at install: contacts for call enrichment, locations for the link
 * page's location name, workflows for custom triggers and actions (GHL requires it for both).
 */
export const GHL_SCOPES = ['contacts.readonly', 'locations.readonly', 'workflows.readonly'] as const;
