import { randomBytes } from 'node:crypto';
import { TokenCipher } from '../../../webhook-server/src/ghl/tokenCipher';

describe('GHL token encryption', () => {
  const cipher = new TokenCipher(randomBytes(32));

  test('when a token is sealed, then it opens again only for the same context', () => {
    const sealed = cipher.seal('ghl_at_secret', 'loc_1:access');
    expect(sealed).not.toContain('ghl_at_secret');
    expect(cipher.open(sealed, 'loc_1:access')).toBe('ghl_at_secret');
    expect(() => cipher.open(sealed, 'loc_2:access')).toThrow();
  });

  test('when the same token is sealed twice, then the two values differ (a fresh IV each time)', () => {
    expect(cipher.seal('same', 'ctx')).not.toBe(cipher.seal('same', 'ctx'));
  });

  test('when a sealed value is altered or opened with another key, then it does not open', () => {
    const sealed = cipher.seal('ghl_rt_secret', 'ctx');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[2]!, 'base64url');
    data[0] = data[0]! ^ 1;
    parts[2] = data.toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'ctx')).toThrow();
    expect(() => new TokenCipher(randomBytes(32)).open(sealed, 'ctx')).toThrow();
    expect(() => cipher.open('plain-token', 'ctx')).toThrow('not a sealed token');
  });
});
