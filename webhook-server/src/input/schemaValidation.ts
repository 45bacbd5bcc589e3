import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { schemaFiles } from '../../../schemas/generated/registry';
import { badRequest, type FieldProblem } from '../domain/errors';

export const SCHEMA_BASE = 'https://schemas.atlas-connect.dev/';

/** The one ajv instance: every schema of the contract, applying defaults, reporting all problems. */
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });
addFormats(ajv);
for (const schema of Object.values(schemaFiles)) ajv.addSchema(schema);

const compiled = new Map<string, ValidateFunction>();

/** Validator for a schema file under schemas/, e.g. 'AccountUpdate.json' or 'events/minutes_low.json'. */
export function validatorFor(file: keyof typeof schemaFiles): ValidateFunction {
  let validate = compiled.get(file);
  if (!validate) {
    validate = ajv.getSchema(SCHEMA_BASE + file);
    if (!validate) throw new Error(`Schema ${file} is not registered`);
    compiled.set(file, validate);
  }
  return validate;
}

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const child =
    error.keyword === 'required'
      ? String(error.params.missingProperty)
      : error.keyword === 'additionalProperties'
        ? String(error.params.additionalProperty)
        : '';
  return [path, child].filter(Boolean).join('.') || '(body)';
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field; remove it';
    case 'enum':
      return `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'minProperties':
      return 'must contain at least one field';
    case 'format':
      return `must be a valid ${error.params.format}`;
    case 'pattern':
      return error.schemaPath.includes('PhoneNumber') || String(error.params.pattern).startsWith('^\\+')
        ? 'must be an E.164 phone number such as +14155550123'
        : `must match ${error.params.pattern}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** Turns ajv errors into per-field problems, one per field and keyword, in a stable order. */
export function problemsOf(errors: ErrorObject[] | null | undefined): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of errors ?? []) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const problem = { field: fieldOf(error), message: messageOf(error) };
    const key = `${problem.field}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/** Validates a request body against a contract schema; throws a 400 naming each bad field. */
export function parseBody<T>(file: keyof typeof schemaFiles, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Send a JSON object as the request body, with Content-Type: application/json.');
  }
  const validate = validatorFor(file);
  if (!validate(body)) {
    const problems = problemsOf(validate.errors);
    const summary = problems.map((p) => `${p.field} ${p.message}`).join('; ');
    throw badRequest(
      `The request body is invalid: ${summary || 'it does not match the expected shape'}.`,
      problems,
    );
  }
  return body as T;
}
