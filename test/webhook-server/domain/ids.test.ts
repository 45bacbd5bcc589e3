import { decodeTime, isValid } from 'ulidx';
import { newId } from '../../../webhook-server/src/domain/ids';
import { pooledRandom } from '../../../webhook-server/src/domain/ulid';

describe('ids', () => {
  test('when ids are made, then each is a valid ULID of now with its prefix, and later ones sort after earlier ones', () => {
    const before = Date.now();
    const ids = Array.from({ length: 2000 }, () => newId('evt'));
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
      const ulid = id.slice(4);
      expect(isValid(ulid)).toBe(true);
      expect(decodeTime(ulid)).toBeGreaterThanOrEqual(before);
      expect(decodeTime(ulid)).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  test('when ids are made in different milliseconds, then their random parts differ', () => {
    const randomParts = new Set<string>();
    for (let ms = 0; ms < 200; ms += 1) randomParts.add(newIdAt(ms).slice(10));
    expect(randomParts.size).toBe(200);
  });

  test('when the pooled source draws many values, then each of the 32 characters comes up evenly', () => {
    const random = pooledRandom();
    const counts = new Array<number>(32).fill(0);
    const draws = 32 * 4000;
    const values = Array.from({ length: draws }, () => random());
    expect(values.filter((value) => !(value >= 0 && value < 1))).toEqual([]);
    for (const value of values) counts[Math.floor(value * 32)]! += 1;
    // 4000 expected each; ±15% is over 9 standard deviations.
    for (const count of counts) expect(Math.abs(count - 4000)).toBeLessThan(600);
  });
});

/** An id as made at a given millisecond (ulidx takes the time as its seed). */
function newIdAt(ms: number): string {
  jest.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000 + ms * 1000);
  try {
    return newId('evt');
  } finally {
    jest.restoreAllMocks();
  }
}
