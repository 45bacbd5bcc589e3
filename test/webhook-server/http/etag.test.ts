import express, { type Express } from 'express';
import { weakEtag } from '../../../webhook-server/src/http/etag';
import { whileListening } from '../../support/listening';

const BODIES = ['', 'a', '{"id":"acc_1","companyName":"Zürich GmbH 🚀"}', 'x'.repeat(5000)];

/** The ETag header the app gives each body, sent as a string and as bytes. */
async function tagsOf(app: Express): Promise<string[]> {
  app.get('/:i/:kind', (req, res) => {
    const body = BODIES[Number(req.params.i)]!;
    res.type('text/plain').send(req.params.kind === 'bytes' ? Buffer.from(body) : body);
  });
  return whileListening(app, async (base) => {
    const tags: string[] = [];
    for (const i of BODIES.keys())
      for (const kind of ['string', 'bytes']) {
        const res = await fetch(`${base}/${i}/${kind}`);
        tags.push(res.headers.get('etag') ?? 'none');
      }
    return tags;
  });
}

describe('weakEtag', () => {
  it("gives the tags Express's default weak ETag gives, so clients' If-None-Match keeps matching", async () => {
    const ours = express();
    ours.set('etag', weakEtag);
    const expresss = await tagsOf(express());
    expect(await tagsOf(ours)).toEqual(expresss);
    expect(new Set(expresss).size).toBe(BODIES.length);
  });

  it('is weak, and changes with the body', () => {
    expect(weakEtag('a')).toMatch(/^W\/"1-[A-Za-z0-9+/]{27}"$/);
    expect(weakEtag('a')).not.toBe(weakEtag('b'));
  });
});
