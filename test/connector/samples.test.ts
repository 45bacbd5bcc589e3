import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { schemaFiles } from '../../schemas/generated/registry';
import { accountExample, eventExamples } from '../../connector/src/examples';
import App from '../../connector/src/index';
import { sample as purchaseSample } from '../../connector/src/creates/buy_extra_minutes';
import { sample as callSample } from '../../connector/src/creates/start_call';
import { sample as usageSample } from '../../connector/src/searches/get_usage';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
for (const schema of Object.values(schemaFiles)) ajv.addSchema(schema);

const schemaId = (file: keyof typeof schemaFiles) => schemaFiles[file].$id;

function validate(file: keyof typeof schemaFiles, value: unknown) {
  const check = ajv.getSchema(schemaId(file));
  if (!check) throw new Error(`no schema ${file}`);
  check(value);
  return check.errors ?? [];
}

describe('samples against the contract', () => {
  it.each(Object.entries(eventExamples))(
    'when %s’s documented example is checked, then it is valid against its event schema',
    (name, example) => {
      expect(validate(`events/${name}.json` as keyof typeof schemaFiles, example)).toStrictEqual([]);
      expect(validate('EventEnvelope.json', example)).toStrictEqual([]);
    },
  );

  it('when the action and search samples are checked, then they are valid resources', () => {
    expect(validate('Account.json', accountExample)).toStrictEqual([]);
    expect(validate('ExtraMinutesPurchase.json', purchaseSample)).toStrictEqual([]);
    const { statusUrl, ...call } = callSample;
    expect(statusUrl).toBe(`https://connect.atlas.example/v1/api/calls/${call.id}`);
    expect(validate('Call.json', call)).toStrictEqual([]);
    expect(validate('Usage.json', usageSample)).toStrictEqual([]);
  });

  it('when an output field is declared, then the sample has that key (labels match data)', () => {
    const operations = [
      ...Object.values(App.triggers).map((t) => t.operation),
      ...Object.values(App.creates).map((c) => c.operation),
      ...Object.values(App.searches).map((s) => s.operation),
    ];
    for (const operation of operations) {
      const sample = operation.sample ?? {};
      for (const field of operation.outputFields ?? []) {
        if (typeof field === 'function') continue;
        expect({ key: field.key, label: typeof field.label }).toStrictEqual({
          key: field.key,
          label: 'string',
        });
        if (!['checkoutUrl', 'message'].includes(field.key)) expect(Object.keys(sample)).toContain(field.key);
      }
    }
  });
});
