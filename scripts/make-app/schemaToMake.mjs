// JSON Schema (2020-12, as schemas/ writes it) → Make module interface (a parameters array) and a
// sample bundle. Only the keywords schemas/ uses are read; anything else fails the generator, so a
// new construct in a schema is mapped on purpose rather than dropped.

const WORDS = { id: 'ID', url: 'URL', uid: 'UID', e164: 'E.164' };

/** remainingMinutes → "Remaining minutes", callId → "Call ID", recordingUrl → "Recording URL". */
export function labelOf(name) {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_]+/);
  return words
    .map((word, i) => {
      const lower = word.toLowerCase();
      if (WORDS[lower]) return WORDS[lower];
      return i === 0 ? lower[0].toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

function resolve(node, schemas) {
  if (!node.$ref) return node;
  const file = node.$ref.split('/').pop();
  const target = schemas[file];
  if (!target) throw new Error(`schema ${node.$ref} not found under schemas/`);
  return { ...target, ...node, $ref: undefined };
}

const KNOWN = new Set([
  '$schema',
  '$id',
  '$ref',
  'title',
  'description',
  'type',
  'required',
  'additionalProperties',
  'properties',
  'items',
  'enum',
  'const',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'default',
  'examples',
  'minProperties',
  'maxProperties',
  'propertyNames',
]);

function typeOf(node) {
  if (node.const !== undefined) return typeof node.const === 'string' ? 'string' : typeof node.const;
  const types = [node.type].flat().filter((t) => t !== 'null');
  if (types.length !== 1) {
    if (types.length === 0 && [node.type].flat().includes('null')) return 'null';
    throw new Error(`cannot map a schema of types ${JSON.stringify(node.type)} to Make`);
  }
  return types[0];
}

function parameter(name, raw, schemas) {
  const node = resolve(raw, schemas);
  for (const key of Object.keys(node))
    if (!KNOWN.has(key)) throw new Error(`schema keyword "${key}" (at ${name}) has no Make mapping`);
  const field = { name, label: labelOf(name) };
  const type = typeOf(node);
  if (type === 'string') {
    field.type =
      node.format === 'date-time'
        ? 'date'
        : node.format === 'uri'
          ? 'url'
          : node.format === 'email'
            ? 'email'
            : 'text';
  } else if (type === 'integer') {
    field.type = node.minimum !== undefined && node.minimum >= 0 ? 'uinteger' : 'integer';
  } else if (type === 'number') {
    field.type = 'number';
  } else if (type === 'boolean') {
    field.type = 'boolean';
  } else if (type === 'null') {
    field.type = 'text';
  } else if (type === 'object') {
    field.type = 'collection';
    if (node.properties) field.spec = specOf(node, schemas);
  } else if (type === 'array') {
    field.type = 'array';
    const item = parameter('value', node.items ?? {}, schemas);
    delete item.name;
    delete item.label;
    field.spec = item.type === 'collection' ? item.spec : item;
  } else {
    throw new Error(`cannot map type ${type} (at ${name}) to Make`);
  }
  return field;
}

function specOf(node, schemas) {
  return Object.entries(node.properties).map(([name, child]) => parameter(name, child, schemas));
}

/** The module interface: every property of the output schema, with its Make type and a label. */
export function interfaceOf(schema, schemas) {
  return specOf(resolve(schema, schemas), schemas);
}

const FORMAT_SAMPLES = {
  'date-time': '2026-11-20T14:03:11.000Z',
  uri: 'https://atlas.example/resource',
  email: 'admin@example.com',
};

// The fields of the events' documented examples, by name: a resource sharing a field with an
// event (phoneNumber, customerName…) gets the same documented value.
function documentedValues(schemas) {
  const values = {};
  for (const [file, schema] of Object.entries(schemas))
    if (file.startsWith('events/'))
      for (const [key, value] of Object.entries(schema.examples?.[0]?.data ?? {}))
        if (!(key in values) && (value === null || typeof value !== 'object')) values[key] = value;
  return values;
}

// A value the schema itself offers: its examples, const, default, enum, a documented event
// field of the same name, or a typed placeholder.
function synthesize(raw, schemas, name, known) {
  const node = resolve(raw, schemas);
  if (node.examples?.length) return node.examples[0];
  if (node.const !== undefined) return node.const;
  if (node.default !== undefined) return node.default;
  const documented = known[name];
  if (node.enum) return node.enum.includes(documented) ? documented : node.enum[0];
  const type = typeOf(node);
  const documentedType = Number.isInteger(documented) ? 'integer' : typeof documented;
  if (documentedType === type || (type === 'number' && documentedType === 'integer')) return documented;
  if (type === 'string') return FORMAT_SAMPLES[node.format] ?? `${name}_example`;
  if (type === 'integer' || type === 'number') return node.minimum ?? 0;
  if (type === 'boolean') return false;
  if (type === 'null') return null;
  if (type === 'array') return [];
  if (type === 'object')
    return Object.fromEntries(
      Object.entries(node.properties ?? {})
        .filter(([key]) => node.required?.includes(key))
        .map(([key, child]) => [key, synthesize(child, schemas, key, known)]),
    );
  throw new Error(`no sample for ${name}`);
}

/**
 * The module's sample: the schema's examples[0] (every event has one), or the value found at
 * `from` ({schema, path}) in another schema's example, or one synthesized from the schema.
 */
export function sampleOf(schema, schemas, from) {
  if (from) {
    let value = schemas[from.schema].examples[0];
    for (const key of from.path) value = value[key];
    return value;
  }
  const node = resolve(schema, schemas);
  return synthesize(node, schemas, node.title ?? 'value', documentedValues(schemas));
}
