// Param validation for the gateway's own methods, with the reference's wording:
// `invalid <method> params: <details>`.

import { checkSchema, type Schema } from '../../shared/protocol/schema';
import { invalidRequest, type MethodCall } from './types';

/** Validates call.params; on failure answers the call and returns null. */
export function parseParams<T>(call: MethodCall<unknown>, schema: Schema): T | null {
  const problem = checkSchema(schema, call.params);
  if (problem === null) return call.params as T;
  call.respond.error(invalidRequest(`invalid ${call.method} params: ${problem}`));
  return null;
}
