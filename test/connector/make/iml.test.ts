import { evaluate, ImlSubsetError } from './harness/iml';

/* The IML harness itself: what it evaluates, and that anything outside its subset fails loudly. */

const scope = {
  parameters: { blocks: 2, reference: '', list: [{ key: 'a', value: '1' }] },
  body: { message: 'Bad', nested: { id: 'x' } },
  headers: { 'retry-after': '1' },
  now: new Date('2026-12-01T15:04:05.000Z'),
};

describe('the IML harness', () => {
  test.each([
    ['{{parameters.blocks}}', 2],
    ['n={{parameters.blocks}}', 'n=2'],
    ["{{body['nested'].id}}", 'x'],
    ["{{headers['retry-after']}}", '1'],
    ["{{ifempty(parameters.reference, 'none')}}", 'none'],
    ["{{if(parameters.reference, 'a', 'b')}}", 'b'],
    ["{{'w:' + parameters.blocks + ':' + formatDate(now, 'YYYY-MM-DDTHH', 'UTC')}}", 'w:2:2026-12-01T15'],
    ['{{addMinutes(now, 15) > now}}', true],
    ["{{toCollection(parameters.list, 'key', 'value')}}", { a: '1' }],
    ["{{join(parameters.missing, ' ')}}", ImlSubsetError],
    ["{{sha256('abc')}}", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['{{parameters.absent}}', undefined],
  ])('when %s is evaluated, then it gives %p', (source, expected) => {
    if (expected === ImlSubsetError) expect(() => evaluate(source, scope)).toThrow(ImlSubsetError);
    else expect(evaluate(source, scope)).toStrictEqual(expected);
  });

  test.each([
    ['{{parameters.blocks * 2}}', /outside the tested subset/],
    ['{{lower(body.message)}}', /lower\(\) is outside the tested subset/],
    ['{{environment.x}}', /variable "environment" is not available/],
    ["{{formatDate(now, 'YYYY')}}", /only \('YYYY-MM-DDTHH', 'UTC'\)/],
    ['{{a && b}}', /outside the tested subset/],
  ])('when %s is outside the subset, then evaluating it throws', (source, message) => {
    expect(() => evaluate(source, scope)).toThrow(message);
  });
});
