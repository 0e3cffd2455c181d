// Validation of the config sections this program models (gateway, logging, models.providers). Other
// top-level sections (agents, channels, …) belong to features we do not implement and are kept as they
// are. Every issue names the key; ConfigError names the file too.

export interface ConfigIssue {
  path: string;
  message: string;
}

type Rule =
  | { type: 'object'; keys: Record<string, Rule>; strict: boolean }
  | { type: 'map'; values: Rule }
  | { type: 'string' }
  | { type: 'int'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'array'; items: Rule }
  | { type: 'any' };

const str: Rule = { type: 'string' };
const bool: Rule = { type: 'bool' };
const any: Rule = { type: 'any' };
const strings: Rule = { type: 'array', items: str };
const int = (min: number, max: number): Rule => ({ type: 'int', min, max });
const oneOf = (...values: string[]): Rule => ({ type: 'enum', values });
const strict = (keys: Record<string, Rule>): Rule => ({ type: 'object', keys, strict: true });
const loose = (keys: Record<string, Rule>): Rule => ({ type: 'object', keys, strict: false });

export const BIND_MODES = ['loopback', 'lan', 'tailnet', 'auto', 'custom'] as const;
export type BindMode = (typeof BIND_MODES)[number];

const GATEWAY: Rule = strict({
  port: int(1, 65535),
  mode: oneOf('local', 'remote'),
  bind: oneOf(...BIND_MODES),
  customBindHost: str,
  controlUi: strict({ enabled: bool, basePath: str, allowInsecureAuth: bool }),
  auth: strict({ mode: oneOf('token', 'password'), token: str, password: str, allowTailscale: bool }),
  trustedProxies: strings,
  tailscale: strict({ mode: oneOf('off', 'serve', 'funnel'), resetOnExit: bool }),
  remote: strict({
    url: str, token: str, password: str, tlsFingerprint: str, sshTarget: str, sshIdentity: str, transport: oneOf('ssh', 'direct'),
  }),
  reload: strict({ mode: oneOf('off', 'restart', 'hot', 'hybrid'), debounceMs: int(0, 3_600_000) }),
  tls: strict({ enabled: bool, autoGenerate: bool, certPath: str, keyPath: str, caPath: str }),
  http: loose({}),
  nodes: strict({ browser: loose({}), allowCommands: strings, denyCommands: strings }),
});

const LOGGING: Rule = strict({
  level: oneOf('silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'),
  consoleLevel: oneOf('silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'),
  consoleStyle: oneOf('pretty', 'compact', 'json'),
  file: str,
  /** Ours: rotate the log file when it grows past this size (bytes). */
  maxFileBytes: int(4096, 2 ** 40),
  redactSensitive: oneOf('off', 'tools'),
  redactPatterns: strings,
});

const MODEL: Rule = loose({ id: str, name: str, contextWindow: int(1, 2 ** 31), reasoning: bool, input: strings });
const MODELS: Rule = loose({
  providers: { type: 'map', values: loose({ baseUrl: str, apiKey: str, api: str, models: { type: 'array', items: MODEL } }) },
});

const ROOT: Rule = loose({ gateway: GATEWAY, logging: LOGGING, models: MODELS, $schema: any });

function describe(rule: Rule): string {
  switch (rule.type) {
    case 'object':
    case 'map':
      return 'an object';
    case 'string':
      return 'a string';
    case 'int':
      return `an integer from ${rule.min} to ${rule.max}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${rule.values.map((v) => `"${v}"`).join(', ')}`;
    case 'array':
      return `a list of ${describe(rule.items).replace(/^an? /, '')}s`;
    case 'any':
      return 'any value';
  }
}

function check(rule: Rule, value: unknown, path: string, issues: ConfigIssue[]): void {
  const fail = (): void => void issues.push({ path: path || '(root)', message: `must be ${describe(rule)}` });
  switch (rule.type) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') fail();
      return;
    case 'bool':
      if (typeof value !== 'boolean') fail();
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) fail();
      return;
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) fail();
      return;
    case 'array':
      if (!Array.isArray(value)) return fail();
      value.forEach((item, i) => check(rule.items, item, `${path}[${i}]`, issues));
      return;
    case 'map':
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail();
      for (const [k, v] of Object.entries(value)) {
        const sub = rule.type === 'map' ? rule.values : Object.hasOwn(rule.keys, k) ? rule.keys[k] : undefined;
        const where = path ? `${path}.${k}` : k;
        if (sub) check(sub, v, where, issues);
        else if (rule.type === 'object' && rule.strict) issues.push({ path: where, message: 'unknown key' });
      }
    }
  }
}

/** Every problem of the modelled sections; [] when valid. */
export function validateConfig(config: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  check(ROOT, config, '', issues);
  return issues;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(`Invalid config ${file}:\n${issues.map((i) => `- ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
