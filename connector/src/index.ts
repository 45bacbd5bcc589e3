// The Zapier app is built in its own issue; this placeholder keeps the layout compiling.
export const connectorPlaceholder = true;
