import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describeWithShared, sharedDir } from '../../support/shared';
import { appFiles, readAppJson } from './harness/app';

/*
 * Every file of the Make app against the JSON Schemas Make's own VS Code extension validates
 * local apps with (../shared/make-schemas), chosen through that extension's file-name mapping.
 */

interface Mapping {
  fileMatch: string[];
  schema: string;
}

// The extension's patterns: a bare one matches the file name, one with a slash the path (**: any folders).
function matches(pattern: string, file: string): boolean {
  const target = pattern.includes('/') ? file : path.basename(file);
  const source = pattern
    .replace(/^\*\*\//, '')
    .split(/(\*\*\/|\*)/)
    .map((part) =>
      part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(pattern.includes('/') ? `(?:^|/)${source}$` : `^${source}$`).test(target);
}

describeWithShared('the Make app against Make’s published schemas', () => {
  const schemaDir = path.join(sharedDir ?? '', 'make-schemas');
  let mapping: Mapping[] = [];
  const validators = new Map<string, ValidateFunction>();

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
    addFormats(ajv);
    for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.json') && f !== 'file-mapping.json'))
      ajv.addSchema(JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')), file);
    mapping = JSON.parse(readFileSync(path.join(schemaDir, 'file-mapping.json'), 'utf8')).mapping;
    for (const { schema } of mapping) validators.set(schema, ajv.getSchema(schema)!);
  });

  const jsonFiles = appFiles().filter((file) => file.endsWith('.json'));

  test('when the app is listed, then every JSON file of it has a Make schema', () => {
    const unmapped = jsonFiles.filter(
      (file) => !mapping.some((m) => m.fileMatch.some((p) => matches(p, file))),
    );
    expect(unmapped).toStrictEqual([]);
  });

  test.each(jsonFiles)('when %s is validated, then it passes its Make schema', (file) => {
    // The endpoint pattern is more specific than *.communication.iml.json: the last match wins, as in VS Code.
    const schemas = mapping.filter((m) => m.fileMatch.some((p) => matches(p, file))).map((m) => m.schema);
    expect(schemas.length).toBeGreaterThan(0);
    for (const schema of schemas.slice(-1)) {
      const validate = validators.get(schema)!;
      const valid = validate(readAppJson(file));
      expect({ file, schema, errors: valid ? [] : validate.errors }).toStrictEqual({
        file,
        schema,
        errors: [],
      });
    }
  });
});
