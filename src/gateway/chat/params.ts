// Validation of method params with the reference's message format (spec §4.1):
// `invalid <method> params: <details>`, the details being validator messages joined by "; ",
// e.g. `must have required property 'idempotencyKey'` or `at /limit: must be <= 1000`.

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'any';

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  /** `null` is accepted (patch fields that clear a value). */
  nullable?: boolean;
  enum?: readonly string[];
  /** For arrays: the type of the items. */
  items?: FieldType;
  minItems?: number;
}

export type ParamsSpec = Record<string, FieldSpec>;

export class ParamsError extends Error {}

/** Throws a ParamsError whose message is the full client-facing text. */
export function checkParams(method: string, params: Record<string, unknown>, spec: ParamsSpec): void {
  const problems: string[] = [];
  for (const [key, field] of Object.entries(spec)) {
    if (params[key] === undefined) {
      if (field.required) problems.push(`must have required property '${key}'`);
      continue;
    }
    const problem = checkValue(params[key], field);
    if (problem) problems.push(`at /${key}: ${problem}`);
  }
  for (const key of Object.keys(params)) if (!(key in spec)) problems.push(`at root: unexpected property '${key}'`);
  if (problems.length > 0) throw new ParamsError(`invalid ${method} params: ${problems.join('; ')}`);
}

function checkValue(v: unknown, f: FieldSpec): string | undefined {
  if (v === null && f.nullable) return undefined;
  const typeProblem = checkType(v, f.type);
  if (typeProblem) return typeProblem;
  if (typeof v === 'string') {
    if (f.minLength !== undefined && v.length < f.minLength) return `must NOT have fewer than ${f.minLength} characters`;
    if (f.enum && !f.enum.includes(v)) return 'must be equal to one of the allowed values';
  }
  if (typeof v === 'number') {
    if (f.minimum !== undefined && v < f.minimum) return `must be >= ${f.minimum}`;
    if (f.maximum !== undefined && v > f.maximum) return `must be <= ${f.maximum}`;
  }
  if (Array.isArray(v)) {
    if (f.minItems !== undefined && v.length < f.minItems) return `must NOT have fewer than ${f.minItems} items`;
    if (f.items) {
      for (let i = 0; i < v.length; i++) {
        const p = checkType(v[i], f.items);
        if (p) return `/${i} ${p}`;
      }
    }
  }
  return undefined;
}

function checkType(v: unknown, t: FieldType): string | undefined {
  switch (t) {
    case 'any':
      return undefined;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? undefined : 'must be integer';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be number';
    case 'array':
      return Array.isArray(v) ? undefined : 'must be array';
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be object';
    default:
      return typeof v === t ? undefined : `must be ${t}`;
  }
}
