// Loading the config for a program that needs a valid one (the gateway): parse, validate, and throw a
// ConfigError that names the file and the keys.

import { readConfigFile, type ConfigFileSnapshot } from './file';
import { ConfigError, validateConfig, type ConfigIssue } from './schema';

export interface LoadedConfig {
  snapshot: ConfigFileSnapshot;
  config: Record<string, unknown>;
  issues: ConfigIssue[];
}

/** Reads and validates without throwing (config.get reports the issues). */
export function inspectConfig(path: string): LoadedConfig {
  const snapshot = readConfigFile(path);
  if (!snapshot.parsed) {
    const message = (snapshot.parseError ?? 'does not parse').replace(`${path}: `, '');
    return { snapshot, config: {}, issues: [{ path: '(file)', message }] };
  }
  return { snapshot, config: snapshot.parsed, issues: validateConfig(snapshot.parsed) };
}

/** Reads and validates; throws a ConfigError naming the file and every bad key. */
export function loadConfig(path: string): LoadedConfig {
  const loaded = inspectConfig(path);
  if (loaded.issues.length > 0) throw new ConfigError(path, loaded.issues);
  return loaded;
}
