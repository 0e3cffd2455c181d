// Small validators for payloads that cross a trust boundary (IPC, the twin's WebSocket).
// They throw ValidationError with a message that names the field.

export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

export type Obj = Record<string, unknown>;

export function expectObject(v: unknown, what = 'input'): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(`${what} must be an object`);
  return v as Obj;
}

export function expectNothing(v: unknown): undefined {
  if (v !== undefined && v !== null && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) {
    throw new ValidationError('this call takes no input');
  }
  return undefined;
}

export function requireString(o: Obj, key: string, opts: { allowEmpty?: boolean; maxLength?: number } = {}): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ValidationError(`${key} must be a string`);
  if (!opts.allowEmpty && v.length === 0) throw new ValidationError(`${key} must not be empty`);
  if (v.length > (opts.maxLength ?? 1_000_000)) throw new ValidationError(`${key} is too long`);
  return v;
}

export function optionalString(o: Obj, key: string): string | undefined {
  return o[key] === undefined ? undefined : requireString(o, key, { allowEmpty: true });
}

export function optionalNumber(o: Obj, key: string, range: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`${key} must be a number`);
  if (range.integer && !Number.isInteger(v)) throw new ValidationError(`${key} must be a whole number`);
  if (range.min !== undefined && v < range.min) throw new ValidationError(`${key} must be at least ${range.min}`);
  if (range.max !== undefined && v > range.max) throw new ValidationError(`${key} must be at most ${range.max}`);
  return v;
}

export function optionalBoolean(o: Obj, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ValidationError(`${key} must be true or false`);
  return v;
}

export function requireOneOf<T extends string>(o: Obj, key: string, allowed: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ValidationError(`${key} must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

export function rejectUnknownKeys(o: Obj, allowed: readonly string[], what = 'input'): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ValidationError(`${what}: unknown key '${k}'`);
  }
}
