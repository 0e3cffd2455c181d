// A small JSON-schema subset with the reference gateway's validator messages (it used ajv with
// allErrors). Keyword order and wording follow ajv so that error texts match the wire byte for byte:
// `at /client/id: must be equal to constant; at /client/id: must match a schema in anyOf`.

export type Schema =
  | { kind: 'object'; props: Record<string, Schema>; required: readonly string[] }
  | { kind: 'record'; values: Schema }
  | { kind: 'array'; items: Schema; minItems?: number }
  | { kind: 'string'; minLength?: number }
  | { kind: 'literal'; value: string }
  | { kind: 'integer'; minimum?: number; maximum?: number }
  | { kind: 'number'; minimum?: number }
  | { kind: 'boolean' }
  | { kind: 'anyOf'; of: readonly Schema[] }
  | { kind: 'unknown' };

export interface SchemaError {
  path: string;
  message: string;
  /** Set for an additionalProperties error. */
  unexpected?: string;
}

export const s = {
  object: (props: Record<string, Schema>, required: readonly string[] = []): Schema => ({ kind: 'object', props, required }),
  record: (values: Schema): Schema => ({ kind: 'record', values }),
  array: (items: Schema, minItems?: number): Schema => ({ kind: 'array', items, minItems }),
  string: (): Schema => ({ kind: 'string' }),
  nonEmpty: (): Schema => ({ kind: 'string', minLength: 1 }),
  integer: (minimum?: number, maximum?: number): Schema => ({ kind: 'integer', minimum, maximum }),
  number: (minimum?: number): Schema => ({ kind: 'number', minimum }),
  boolean: (): Schema => ({ kind: 'boolean' }),
  literal: (value: string): Schema => ({ kind: 'literal', value }),
  oneOfStrings: (values: readonly string[]): Schema => ({ kind: 'anyOf', of: values.map((value) => ({ kind: 'literal', value })) }),
  unknown: (): Schema => ({ kind: 'unknown' }),
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Collects every error, in ajv's keyword order. */
export function validateSchema(schema: Schema, value: unknown, path = '', errors: SchemaError[] = []): SchemaError[] {
  switch (schema.kind) {
    case 'unknown':
      break;
    case 'literal':
      if (typeof value !== 'string') errors.push({ path, message: 'must be string' });
      if (value !== schema.value) errors.push({ path, message: 'must be equal to constant' });
      break;
    case 'anyOf': {
      const branchErrors: SchemaError[] = [];
      for (const branch of schema.of) {
        const errs = validateSchema(branch, value, path);
        if (errs.length === 0) return errors;
        branchErrors.push(...errs);
      }
      errors.push(...branchErrors, { path, message: 'must match a schema in anyOf' });
      break;
    }
    case 'string':
      if (typeof value !== 'string') errors.push({ path, message: 'must be string' });
      else if (schema.minLength !== undefined && value.length < schema.minLength) {
        errors.push({ path, message: `must NOT have fewer than ${schema.minLength} characters` });
      }
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || (schema.kind === 'integer' && !Number.isInteger(value))) {
        errors.push({ path, message: `must be ${schema.kind}` });
      } else {
        if (schema.minimum !== undefined && value < schema.minimum) errors.push({ path, message: `must be >= ${schema.minimum}` });
        if (schema.kind === 'integer' && schema.maximum !== undefined && value > schema.maximum) {
          errors.push({ path, message: `must be <= ${schema.maximum}` });
        }
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push({ path, message: 'must be boolean' });
      break;
    case 'array':
      if (!Array.isArray(value)) {
        errors.push({ path, message: 'must be array' });
        break;
      }
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        errors.push({ path, message: `must NOT have fewer than ${schema.minItems} items` });
      }
      value.forEach((item, i) => validateSchema(schema.items, item, pointer(path, i), errors));
      break;
    case 'record':
      if (!isPlainObject(value)) {
        errors.push({ path, message: 'must be object' });
        break;
      }
      for (const [k, v] of Object.entries(value)) validateSchema(schema.values, v, pointer(path, k), errors);
      break;
    case 'object': {
      if (!isPlainObject(value)) {
        errors.push({ path, message: 'must be object' });
        break;
      }
      for (const key of schema.required) {
        if (!(key in value)) errors.push({ path, message: `must have required property '${key}'` });
      }
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(schema.props, key)) errors.push({ path, message: 'must NOT have additional properties', unexpected: key });
      }
      for (const [key, sub] of Object.entries(schema.props)) {
        if (Object.hasOwn(value, key) && value[key] !== undefined) validateSchema(sub, value[key], pointer(path, key), errors);
      }
      break;
    }
  }
  return errors;
}

/** The reference's formatting: `at <path>: <message>` joined by "; ", duplicates removed. */
export function formatSchemaErrors(errors: readonly SchemaError[]): string {
  const parts = errors.map((e) => {
    if (e.unexpected !== undefined) return `${e.path ? `at ${e.path}` : 'at root'}: unexpected property '${e.unexpected}'`;
    return e.path ? `at ${e.path}: ${e.message}` : e.message;
  });
  return [...new Set(parts)].join('; ');
}

/** Validates and formats; null when valid. */
export function checkSchema(schema: Schema, value: unknown): string | null {
  const errors = validateSchema(schema, value);
  return errors.length === 0 ? null : formatSchemaErrors(errors);
}
