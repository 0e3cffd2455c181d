// SSH target resolution: what the session engine and the CLI import.
export { resolveTarget, type ResolveTargetOptions } from './resolve-target';
export { describeTarget } from './describe-target';
export { parseTargetSpec, type TargetSpec } from './target-spec';
export type { TargetOverrides } from './hop-builder';
