/*
 * Does a bundle match a module's interface? Every output field must be declared with a type its
 * value has, and every declared field must be in the output, down through collections and arrays.
 * Returns the mismatches as readable lines, so a failing test names the field.
 */

interface Field {
  name?: string;
  type: string;
  spec?: Field[] | Field;
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function typeProblem(field: Field, value: unknown, at: string): string[] {
  if (value === null) return []; // Make shows an empty value for null of any type
  const fail = [`${at}: ${JSON.stringify(value)} is not ${field.type}`];
  switch (field.type) {
    case 'text':
    case 'email':
    case 'url':
      return typeof value === 'string' ? [] : fail;
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value) ? [] : fail;
    case 'uinteger':
      return Number.isInteger(value) && (value as number) >= 0 ? [] : fail;
    case 'integer':
      return Number.isInteger(value) ? [] : fail;
    case 'number':
      return typeof value === 'number' ? [] : fail;
    case 'boolean':
      return typeof value === 'boolean' ? [] : fail;
    case 'collection':
      if (typeof value !== 'object' || Array.isArray(value)) return fail;
      return Array.isArray(field.spec)
        ? interfaceMismatches(value as Record<string, unknown>, field.spec, `${at}.`)
        : [];
    case 'array': {
      if (!Array.isArray(value)) return fail;
      const item: Field | undefined = Array.isArray(field.spec)
        ? { type: 'collection', spec: field.spec }
        : field.spec;
      return item ? value.flatMap((v, i) => typeProblem(item, v, `${at}[${i}]`)) : [];
    }
    default:
      return [`${at}: interface type ${field.type} is not checked by the tests`];
  }
}

/** optional: top-level fields the schema does not require, which an output may leave out. */
export function interfaceMismatches(
  output: Record<string, unknown>,
  spec: Field[],
  prefix = '',
  optional: string[] = [],
): string[] {
  const problems: string[] = [];
  const declared = new Set(spec.map((f) => f.name));
  for (const key of Object.keys(output))
    if (!declared.has(key)) problems.push(`${prefix}${key}: not in the interface`);
  for (const field of spec) {
    const at = `${prefix}${field.name}`;
    if (!(field.name! in output)) {
      if (!optional.includes(field.name!)) problems.push(`${at}: declared but not output`);
    } else problems.push(...typeProblem(field, output[field.name!], at));
  }
  return problems;
}
