// The gateway's view of its config file: the last good parsed config (what every feature reads), and
// validated, atomic writes for config.set/patch. A write that fails validation changes nothing.

import { hashText, keepOriginalBeforeRewrite, readConfigFile, serializeConfig, writeFileAtomic, type ConfigFileSnapshot } from '../config/file';
import { inspectConfig } from '../config/load';
import { ConfigError, validateConfig, type ConfigIssue } from '../config/schema';

export class ConfigStore {
  private current: Record<string, unknown>;

  constructor(
    readonly path: string,
    initial: Record<string, unknown>,
    /** Called after every successful write (e.g. to apply a new gateway.auth without a restart). */
    private readonly onWrite: (next: Record<string, unknown>) => void = () => {},
  ) {
    this.current = initial;
  }

  /** The parsed config in effect (read on every use by the features). */
  get(): Record<string, unknown> {
    return this.current;
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
    this.current = next;
    this.onWrite(next);
    return { hash: hashText(text), ...(backup ? { backup } : {}) };
  }
}
