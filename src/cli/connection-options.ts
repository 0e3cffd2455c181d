// The connection flags every gateway command takes (--url, --token, --password, --timeout, --json)
// and their resolution against the config file and the environment (src/config/client-target.ts).

import { loadClientConfig, resolveClientTarget, type ClientTarget } from '../config/client-target';
import type { Env } from '../config/paths';
import { booleanFlag, parseMilliseconds, stringFlag, type FlagSpecs, type ParsedArgs } from './args';

export const CONNECTION_FLAGS: FlagSpecs = {
  url: { type: 'string', valueName: 'url' },
  token: { type: 'string', valueName: 'token' },
  password: { type: 'string', valueName: 'password' },
  timeout: { type: 'string', valueName: 'ms' },
  json: { type: 'boolean' },
};

export function connectionHelp(defaultTimeoutMs: number): string {
  return `Connection options:
  --url URL          gateway URL (default: gateway.remote.url in remote mode, else ws://127.0.0.1:PORT)
  --token TOKEN      gateway token (default: gateway.remote.token in remote mode,
                     else CLAWDBOT_GATEWAY_TOKEN or gateway.auth.token)
  --password PASS    gateway password (default: CLAWDBOT_GATEWAY_PASSWORD, then the config)
  --timeout MS       give up after MS milliseconds (default ${defaultTimeoutMs})
  --json             print JSON instead of text
  -h, --help         show this help
`;
}

export interface ConnectionOptions {
  target: ClientTarget;
  timeoutMs: number;
  json: boolean;
}

export function resolveConnection(parsed: ParsedArgs, defaultTimeoutMs: number, env: Env = process.env): ConnectionOptions {
  const timeoutMs = parseMilliseconds(stringFlag(parsed, 'timeout'), 'timeout', defaultTimeoutMs);
  const target = resolveClientTarget(
    { url: stringFlag(parsed, 'url'), token: stringFlag(parsed, 'token'), password: stringFlag(parsed, 'password') },
    loadClientConfig(env),
    env,
  );
  return { target, timeoutMs, json: booleanFlag(parsed, 'json') };
}
