import express, { type Express } from 'express';
import { weakEtag } from '../../../webhook-server/src/http/etag';
import { useFastJson } from '../../../webhook-server/src/http/jsonResponse';
import { whileListening } from '../../support/listening';

const ACCOUNT = {
  id: 'acc_1',
  companyName: 'Zürich GmbH 🚀',
  minutes: { used: 12, included: 1000 },
  tags: [],
};

/** Routes answering with res.json in each way the app's routes do. */
function withRoutes(app: Express): Express {
  app.get('/object', (_req, res) => {
    res.json(ACCOUNT);
  });
  app.post('/created', (_req, res) => {
    res.status(201).json(ACCOUNT);
  });
  app.get('/array', (_req, res) => {
    res.json([ACCOUNT, ACCOUNT]);
  });
  app.get('/null', (_req, res) => {
    res.json(null);
  });
  app.get('/string', (_req, res) => {
    res.json('plain "text"');
  });
  app.get('/undefined', (_req, res) => {
    res.json(undefined);
  });
  app.get('/problem', (_req, res) => {
    res.status(400).type('application/problem+json').json({ title: 'Bad' });
  });
  app.delete('/gone', (_req, res) => {
    res.status(204).json(ACCOUNT);
  });
  return app;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function answersOf(app: Express, etagOf?: string): Promise<Answer[]> {
  const asked: Array<[string, string, Record<string, string>?]> = [
    ['GET', '/object'],
    ['HEAD', '/object'],
    ['POST', '/created'],
    ['GET', '/array'],
    ['GET', '/null'],
    ['GET', '/string'],
    ['GET', '/undefined'],
    ['GET', '/problem'],
    ['DELETE', '/gone'],
    // fetch adds Cache-Control: no-cache to a conditional request unless it has one (no 304 then).
    ['GET', '/object', { 'if-none-match': etagOf ?? '', 'cache-control': 'max-age=0' }],
  ];
  return whileListening(app, async (base) => {
    const answers: Answer[] = [];
    for (const [method, path, headers] of asked) {
      const res = await fetch(base + path, { method, headers });
      const kept = [...res.headers].filter(([name]) => !['date', 'keep-alive', 'connection'].includes(name));
      answers.push({ status: res.status, headers: Object.fromEntries(kept), body: await res.text() });
    }
    return answers;
  });
}

describe('useFastJson', () => {
  it('answers every res.json exactly as Express does: status, headers, ETag, body, HEAD and 304', async () => {
    const expresss = await answersOf(withRoutes(express()));
    const etag = expresss[0]!.headers.etag;
    expect(etag).toBeDefined();
    const ours = express();
    ours.set('etag', weakEtag);
    useFastJson(ours);
    const answers = await answersOf(withRoutes(ours), etag);
    expect(answers).toEqual(await answersOf(withRoutes(express()), etag));
    expect(answers[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answers[9]!.status).toBe(304);
    expect(JSON.parse(answers[0]!.body)).toEqual(ACCOUNT);
  });

  it("leaves an app's JSON settings to Express", async () => {
    const ours = express();
    ours.set('json spaces', 2);
    useFastJson(ours);
    const expresss = express();
    expresss.set('json spaces', 2);
    expect(await answersOf(withRoutes(ours))).toEqual(await answersOf(withRoutes(expresss)));
  });

  it('changes only the app it is given', async () => {
    useFastJson(express());
    const plain = express();
    expect(plain.response.json).toBe(express().response.json);
  });
});
