/** Where Stripe Checkout, the customer portal and the sandbox send the payer's browser back to. */
export const BILLING_RETURN_PATH = '/billing/return';

export const RETURN_MESSAGES = {
  success: 'Payment received. Your Atlas account is updated within a few seconds; you can close this tab.',
  cancelled: 'Checkout was cancelled and nothing was charged. You can close this tab.',
  portal: 'You are back from managing your subscription. Changes show in Atlas within a few seconds.',
  sandbox:
    'Sandbox billing: the change is already applied and no payment was taken (livemode: false). Set STRIPE_SECRET_KEY to bill for real.',
} as const;

export type ReturnKind = keyof typeof RETURN_MESSAGES;

export function returnUrl(publicBaseUrl: string, kind: ReturnKind): string {
  return `${publicBaseUrl}${BILLING_RETURN_PATH}?result=${kind}`;
}
