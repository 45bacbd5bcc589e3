import { Router } from 'express';
import { BILLING_RETURN_PATH, RETURN_MESSAGES, type ReturnKind } from '../../billing/returnPage';

const page = (message: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Atlas billing</title></head>
<body><main><h1>Atlas billing</h1><p>${message}</p></main></body></html>`;

/** The page a payer's browser lands on after Checkout, the portal or a sandbox change. */
export function billingReturnRoutes(): Router {
  const router = Router();
  router.get(BILLING_RETURN_PATH, (req, res) => {
    const result = req.query.result;
    // Only our fixed messages are shown: nothing from the query string reaches the page.
    const kind: ReturnKind =
      typeof result === 'string' && Object.hasOwn(RETURN_MESSAGES, result)
        ? (result as ReturnKind)
        : 'portal';
    res.type('html').send(page(RETURN_MESSAGES[kind]));
  });
  return router;
}
