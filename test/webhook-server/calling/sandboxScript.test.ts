import {
  conversationOf,
  DEFAULT_DURATION_SECONDS,
  outcomeOf,
  SANDBOX_NUMBERS,
} from '../../../webhook-server/src/calling/sandboxScript';

const call = (phone_number: string, parameters: Record<string, string> = {}) => ({
  phone_number,
  parameters: JSON.stringify(parameters),
});

describe('the sandbox script', () => {
  test.each([
    ['not a number', 'soon'],
    ['a fraction', '12.5'],
    ['zero', '0'],
    ['more than a day', '86401'],
  ])('when sandboxDurationSeconds is %s, then the call talks the default time', (_name, value) => {
    expect(outcomeOf(call('+14155550123', { sandboxDurationSeconds: value }), 10_000)).toStrictEqual({
      kind: 'answered',
      durationSeconds: DEFAULT_DURATION_SECONDS,
    });
  });

  test('when sandboxDurationSeconds is whole seconds, then the call talks that long, never past the time left', () => {
    expect(outcomeOf(call('+14155550123', { sandboxDurationSeconds: ' 120 ' }), 10_000)).toStrictEqual({
      kind: 'answered',
      durationSeconds: 120,
    });
    expect(outcomeOf(call('+14155550123', { sandboxDurationSeconds: '120' }), 30)).toStrictEqual({
      kind: 'answered',
      durationSeconds: 30,
    });
    expect(outcomeOf(call(SANDBOX_NUMBERS.longCall), 60)).toStrictEqual({
      kind: 'answered',
      durationSeconds: 60,
    });
  });

  test('when a test number is called, then its outcome ignores the parameters', () => {
    expect(outcomeOf(call(SANDBOX_NUMBERS.busy, { sandboxDurationSeconds: '60' }), 10_000)).toStrictEqual({
      kind: 'unanswered',
      status: 'busy',
    });
  });

  test('when the conversation is written, then it mentions at most five parameters, never the sandbox one', () => {
    const parameters = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`field_${i}`, 'x'.repeat(500)]),
    );
    const { summary, transcript, recordingUrl } = conversationOf({
      id: 'call_1',
      customer_name: null,
      parameters: JSON.stringify({ sandboxDurationSeconds: '9', ...parameters }),
    });
    expect(summary).not.toContain('sandboxDurationSeconds');
    expect(summary.match(/field \d/g)).toStrictEqual(['field 0', 'field 1', 'field 2', 'field 3', 'field 4']);
    expect(summary.length).toBeLessThan(1200);
    expect(transcript.startsWith('Agent: Hi there,')).toBe(true);
    expect(recordingUrl).toBe('https://recordings.sandbox.atlas-connect.dev/call_1.mp3');
  });
});
