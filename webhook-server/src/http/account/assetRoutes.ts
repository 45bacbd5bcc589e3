import path from 'node:path';
import { Router } from 'express';

/** Chart.js's self-contained browser build, from the installed package: no asset leaves this server. */
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
/** The page's own script (plain JavaScript: the browser runs it as it is; the build copies it). */
const PAGE_JS = path.join(__dirname, 'assets', 'account.js');

const FILES: Record<string, string> = { 'chart.umd.min.js': CHART_JS, 'account.js': PAGE_JS };

export function assetRoutes(): Router {
  const router = Router();
  router.get('/account/assets/:file', (req, res, next) => {
    const file = Object.hasOwn(FILES, req.params.file) ? FILES[req.params.file] : undefined;
    if (!file) return next();
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=300' });
    res.type('application/javascript').sendFile(file);
  });
  return router;
}
