// The gateway's view of its config file: the config in effect (what every feature reads, per use), the
// hash of the file text it came from, and validated, atomic writes for config.set/patch. A write that
// fails validation changes nothing. Settings that need a restart keep their running values.

import { hashText, keepOriginalBeforeRewrite, readConfigFile, serializeConfig, writeFileAtomic, type ConfigFileSnapshot } from '../config/file';
import { inspectConfig } from '../config/load';
import { ConfigError, validateConfig, type ConfigIssue } from '../config/schema';
import { keepRunningSettings } from './restart-settings';

export class ConfigStore {
  private current: Record<string, unknown>;
  private currentHash: string;

  constructor(
    readonly path: string,
    initial: Record<string, unknown>,
    /** Called whenever a new config takes effect (e.g. to apply a new gateway.auth without a restart). */
    private readonly onAdopt: (next: Record<string, unknown>, needsRestart: string[]) => void = () => {},
  ) {
    this.current = initial;
    this.currentHash = readConfigFile(path).hash;
  }

  /** The parsed config in effect (read on every use by the features). */
  get(): Record<string, unknown> {
    return this.current;
  }

  /** The hash of the file text the config in effect came from, so the reload watcher skips our own writes. */
  get hash(): string {
    return this.currentHash;
  }

  /** The file as it is on disk now, with its validation issues. */
  inspect(): { snapshot: ConfigFileSnapshot; issues: ConfigIssue[] } {
    const { snapshot, issues } = inspectConfig(this.path);
    return { snapshot, issues };
  }

  /** Validates and writes the whole config; throws ConfigError naming the keys. `backup`: where a hand-edited file was kept. */
  write(next: Record<string, unknown>): { hash: string; backup?: string } {
    const issues = validateConfig(next);
    if (issues.length > 0) throw new ConfigError(this.path, issues);
    const text = serializeConfig(next);
    const backup = keepOriginalBeforeRewrite(readConfigFile(this.path));
    writeFileAtomic(this.path, text);
    const hash = hashText(text);
    this.adopt(next, hash);
    return { hash, ...(backup ? { backup } : {}) };
  }

  /** Puts a validated config into effect; `hash` is that of the file text it was read from or written as. */
  adopt(next: Record<string, unknown>, hash: string): void {
    const { config, needsRestart } = keepRunningSettings(next, this.current);
    this.current = config;
    this.currentHash = hash;
    this.onAdopt(config, needsRestart);
  }
}
