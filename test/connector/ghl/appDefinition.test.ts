import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { schemaFiles } from '../../../schemas/generated/registry';
import { ghlAppDefinition } from '../../../webhook-server/src/ghl/appDefinition';
import { validatorFor } from '../../../webhook-server/src/http/validation';

const root = path.join(__dirname, '..', '..', '..', 'connector', 'ghl');
const appJson = JSON.parse(readFileSync(path.join(root, 'app.json'), 'utf8'));
const recipes = readdirSync(path.join(root, 'workflows'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, recipe: JSON.parse(readFileSync(path.join(root, 'workflows', file), 'utf8')) }));

interface Step {
  kind: string;
  key?: string;
}

describe('connector/ghl: the GHL marketplace app definition', () => {
  test('when app.json is compared with the definition built from schemas/, then they are equal (else: npm run ghl:generate)', () => {
    expect(appJson).toStrictEqual(JSON.parse(JSON.stringify(ghlAppDefinition())));
  });

  test('when each trigger sample is checked, then it flattens a valid schema example and has every data field of the event', () => {
    for (const trigger of appJson.triggers) {
      const triggerName = trigger.key.replace(/^atlas_/, '');
      const file = `events/${triggerName}.json` as keyof typeof schemaFiles;
      const schema = schemaFiles[file] as {
        examples: unknown[];
        properties: { data: { properties: object } };
      };
      const validate = validatorFor(file);
      expect(validate(schema.examples[0])).toBe(true);
      const fields = Object.keys(trigger.samplePayload);
      for (const name of ['eventId', 'triggerName', 'createdAt', 'accountId', 'contactId', 'locationId'])
        expect(fields).toContain(name);
      for (const dataField of Object.keys(schema.properties.data.properties))
        expect(fields.some((field) => field.startsWith(dataField))).toBe(true);
    }
  });

  test('when the four seed workflows are read, then each names existing Atlas keys and custom variables', () => {
    expect(recipes.map((r) => r.file)).toStrictEqual([
      '01-lead-form-submitted.json',
      '02-call-lead-from-website-form.json',
      '03-call-lead-from-meta.json',
      '04-post-call-summary-to-conversation.json',
    ]);
    const samples: Record<string, object> = {};
    for (const trigger of appJson.triggers) samples[trigger.key] = trigger.samplePayload;
    for (const action of appJson.actions) samples[action.key] = action.responseSample;
    for (const { file, recipe } of recipes) {
      const atlasKeys = [recipe.trigger, ...recipe.steps]
        .filter((s: Step) => s.kind === 'atlas')
        .map((s: Step) => s.key!);
      for (const key of atlasKeys) expect([file, key in samples]).toStrictEqual([file, true]);
      const text = JSON.stringify(recipe);
      for (const [, key, field] of text.matchAll(/\{\{(atlas_\w+)\.(\w+)\}\}/g)) {
        expect([file, key, field, field! in (samples[key!] ?? {})]).toStrictEqual([file, key, field, true]);
        expect(atlasKeys).toContain(key);
      }
    }
  });
});
