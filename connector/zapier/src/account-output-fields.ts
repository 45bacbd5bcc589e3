import type { OutputFields } from 'zapier-platform-core';

/** The account's details and plan, as every step that outputs an account names them. */
export const accountDetailFields: OutputFields = [
  { key: 'companyName', label: 'Company Name', type: 'string' },
  { key: 'adminName', label: 'Admin Name', type: 'string' },
  { key: 'adminEmail', label: 'Admin Email', type: 'string' },
  { key: 'profilePictureUrl', label: 'Profile Picture URL', type: 'string' },
  { key: 'planId', label: 'Plan ID', type: 'string' },
  { key: 'planName', label: 'Plan', type: 'string' },
];

/** Output fields of an Account, shared by update_account_details and get_account. */
export const accountOutputFields: OutputFields = [
  { key: 'id', label: 'Account ID', type: 'string' },
  ...accountDetailFields,
  { key: 'createdAt', label: 'Created At', type: 'datetime' },
  { key: 'updatedAt', label: 'Updated At', type: 'datetime' },
];
