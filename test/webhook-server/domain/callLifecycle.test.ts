import {
  CALL_STATUSES,
  FINAL_STATUSES,
  assertCanMove,
  canMove,
} from '../../../webhook-server/src/domain/callLifecycle';
import { AppError } from '../../../webhook-server/src/domain/errors';
import { schemaFiles } from '../../../schemas/generated/registry';

describe('the call lifecycle', () => {
  test('when the statuses are listed, then they are exactly the CallStatus schema’s', () => {
    expect([...CALL_STATUSES]).toStrictEqual(schemaFiles['CallStatus.json'].enum);
  });

  test('when a call moves forward, then each step (or a skip ahead) is allowed', () => {
    expect(canMove('queued', 'dispatched')).toBe(true);
    expect(canMove('dispatched', 'in_progress')).toBe(true);
    expect(canMove('queued', 'in_progress')).toBe(true);
    for (const final of ['completed', 'no_answer', 'busy', 'failed'] as const)
      expect(canMove('in_progress', final)).toBe(true);
    expect(canMove('queued', 'canceled')).toBe(true);
    expect(canMove('dispatched', 'canceled')).toBe(true);
  });

  test('when a call has ended, then it can move nowhere', () => {
    for (const from of FINAL_STATUSES)
      for (const to of CALL_STATUSES)
        expect({ from, to, allowed: canMove(from, to) }).toEqual({ from, to, allowed: false });
  });

  test('when a move goes backwards or cancels a connected call, then it is refused', () => {
    expect(canMove('in_progress', 'dispatched')).toBe(false);
    expect(canMove('dispatched', 'queued')).toBe(false);
    expect(canMove('in_progress', 'canceled')).toBe(false);
  });

  test('when a refused move is asserted, then a 409 names the current status', () => {
    let error: unknown;
    try {
      assertCanMove('call_1', 'completed', 'in_progress');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      statusCode: 409,
      message: 'Call call_1 is completed; it cannot become in_progress.',
      details: [{ field: 'status', message: 'is completed' }],
    });
  });
});
