// Our own ssh_config reader, for machines without OpenSSH: evaluates the files for one host the way
// readconf.c does (first value wins, Host/Match blocks, Include, a final pass for `Match final`) and
// returns what `ssh -G` would print. `Match exec` is never run: it counts as not matching.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sshConfigError } from './config-error';
import { lexConfig, type ConfigLine } from './config-lexer';
import { globFiles } from './include-glob';
import { matchPattern, matchPatternList } from './patterns';
import { parsePort } from './target-spec';
import {
  DEFAULT_GLOBAL_KNOWN_HOSTS, DEFAULT_USER_KNOWN_HOSTS, OPENSSH_DEFAULT_IDENTITY_FILES,
  parseStrictHostKeyChecking, parseTime, parseYesNo, type SshOptions,
} from './ssh-options';
import { MissingEnvironmentVariable, expandPath, expandPercent, expandTilde, type ConnectionTokens, type LocalIdentity } from './tokens';

export interface ConfigFile {
  path: string;
  /** Relative `Include`s resolve against ~/.ssh for user files and /etc/ssh for system files. */
  kind: 'user' | 'system';
  /** A file named with -F must exist; the default ones may be missing. */
  required: boolean;
}

export interface EvaluateInput {
  /** The host or alias as typed (matched by `Host`, `%n`). */
  hostArg: string;
  /** From the target or the caller: like `-l` / `-p`, they beat the config. */
  user?: string;
  port?: number;
  files: ConfigFile[];
  local: LocalIdentity;
  env: NodeJS.ProcessEnv;
  onWarning: (message: string) => void;
}

export interface Evaluation {
  options: SshOptions;
  filesRead: number;
}

const MAX_INCLUDE_DEPTH = 16;
const SINGLE_VALUE_KEYWORDS = new Set([
  'hostname', 'user', 'port', 'identitiesonly', 'identityagent', 'serveraliveinterval', 'serveralivecountmax',
  'connecttimeout', 'stricthostkeychecking', 'hostkeyalias', 'hashknownhosts', 'canonicalizehostname',
]);
const LIST_KEYWORDS = new Set(['userknownhostsfile', 'globalknownhostsfile']);

export function evaluateConfig(input: EvaluateInput): Evaluation {
  return new ConfigEvaluator(input).run();
}

class ConfigEvaluator {
  private readonly values = new Map<string, string[]>();
  private readonly identityFiles: string[] = [];
  private readonly filesSeen = new Set<string>();
  private finalPass = false;
  private wantFinalPass = false;
  /** The final pass reads everything again; say each thing once. */
  private readonly warned = new Set<string>();

  constructor(private readonly input: EvaluateInput) {
    if (input.user !== undefined) this.values.set('user', [input.user]);
    if (input.port !== undefined) this.values.set('port', [String(input.port)]);
  }

  run(): Evaluation {
    this.readAll();
    const canonicalize = (this.first('canonicalizehostname') ?? 'no').toLowerCase();
    if (this.wantFinalPass || canonicalize === 'yes' || canonicalize === 'always') {
      // Hostname canonicalisation itself (DNS) is not done; the pass still lets `Match final` apply.
      this.finalPass = true;
      this.readAll();
    }
    return { options: this.toOptions(), filesRead: this.filesSeen.size };
  }

  private readAll(): void {
    for (const file of this.input.files) this.readFile(file.path, file, { active: true }, 0);
  }

  private readFile(file: string, origin: ConfigFile, state: { active: boolean }, depth: number): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (depth === 0 && origin.required) {
        throw sshConfigError(`Cannot read the SSH config file ${file}.`, 'Check the path given for the SSH config file.', err);
      }
      return;
    }
    this.filesSeen.add(file);
    for (const line of lexConfig(text)) this.processLine(line, file, origin, state, depth);
  }

  private processLine(line: ConfigLine, file: string, origin: ConfigFile, state: { active: boolean }, depth: number): void {
    const where = `${file} line ${line.line}`;
    switch (line.keyword) {
      case 'host':
        state.active = this.hostMatches(line.args);
        return;
      case 'match':
        state.active = this.matchMatches(line.args, where);
        return;
      case 'include':
        // An Include in an inactive block cannot contribute anything (readconf.c reads it with NEVERMATCH).
        if (state.active) this.include(line.args, origin, state, depth, where);
        return;
      default:
        this.setting(line, where, state.active);
    }
  }

  private include(args: string[], origin: ConfigFile, state: { active: boolean }, depth: number, where: string): void {
    if (depth + 1 > MAX_INCLUDE_DEPTH) throw badLine(where, 'Include is nested too deeply (a loop?).');
    if (args.length === 0) throw badLine(where, 'Include needs a file name.');
    const base = origin.kind === 'user' ? path.join(this.input.local.home, '.ssh') : path.dirname(origin.path);
    for (const arg of args) {
      const expanded = expandTilde(arg, this.input.local.home);
      const pattern = path.isAbsolute(expanded) ? expanded : path.join(base, expanded);
      for (const file of globFiles(pattern)) {
        const before = state.active;
        this.readFile(file, origin, state, depth + 1);
        state.active = before;
      }
    }
  }

  /** What `Match host` sees: HostName so far, else the argument. */
  private currentHost(): string {
    return this.finalPass ? this.finalHostName() : this.expandedHostName();
  }

  private hostMatches(patterns: string[]): boolean {
    const host = this.finalPass ? this.finalHostName() : this.input.hostArg;
    let matched = false;
    for (const raw of patterns) {
      const negated = raw.startsWith('!');
      if (!matchPattern(host, negated ? raw.slice(1) : raw)) continue;
      if (negated) return false;
      matched = true;
    }
    return matched;
  }

  private matchMatches(args: string[], where: string): boolean {
    if (args.length === 0) throw badLine(where, 'Match needs criteria (or "all").');
    let result = true;
    for (let i = 0; i < args.length; i++) {
      const raw = args[i] ?? '';
      const negated = raw.startsWith('!');
      const criterion = (negated ? raw.slice(1) : raw).toLowerCase();
      let hit: boolean;
      if (criterion === 'all') {
        hit = true;
      } else if (criterion === 'canonical' || criterion === 'final') {
        if (criterion === 'final') this.wantFinalPass = true;
        hit = this.finalPass;
      } else {
        const value = args[++i];
        if (value === undefined) throw badLine(where, `Match ${criterion} needs an argument.`);
        const matched = this.criterionMatches(criterion, value, where);
        // A criterion we cannot evaluate (exec, newer keywords) fails the block, negated or not.
        if (matched === undefined) return false;
        hit = matched;
      }
      if (hit === negated) result = false;
    }
    return result;
  }

  private criterionMatches(criterion: string, value: string, where: string): boolean | undefined {
    const user = this.first('user') ?? this.input.local.user;
    switch (criterion) {
      // match_hostname(): host names compare case-insensitively, unlike Host lines.
      case 'host': return matchPatternList(this.currentHost().toLowerCase(), value, true) === 'match';
      case 'originalhost': return matchPatternList(this.input.hostArg.toLowerCase(), value, true) === 'match';
      case 'user': return matchPatternList(user, value) === 'match';
      case 'localuser': return matchPatternList(this.input.local.user, value) === 'match';
      case 'exec':
        this.warnOnce(`${where}: "Match exec" is never run here; the block is treated as not matching.`);
        return undefined;
      default:
        this.warnOnce(`${where}: "Match ${criterion}" is not supported; the block is treated as not matching.`);
        return undefined;
    }
  }

  private setting(line: ConfigLine, where: string, active: boolean): void {
    const { keyword, args } = line;
    if (keyword === 'identityfile') {
      const file = requireArg(args, where, keyword);
      if (active && !this.identityFiles.includes(file)) this.identityFiles.push(file);
    } else if (keyword === 'proxyjump' || keyword === 'proxycommand') {
      // Whichever of the two comes first wins (ssh_config(5)).
      const value = keyword === 'proxycommand' ? args.join(' ') : requireArg(args, where, keyword);
      if (!value) throw badLine(where, `${keyword} needs a value.`);
      if (active && !this.values.has('proxyjump') && !this.values.has('proxycommand')) this.values.set(keyword, [value]);
    } else if (SINGLE_VALUE_KEYWORDS.has(keyword)) {
      const value = requireArg(args, where, keyword);
      validateValue(keyword, value, where);
      if (active && !this.values.has(keyword)) this.values.set(keyword, [value]);
    } else if (LIST_KEYWORDS.has(keyword)) {
      requireArg(args, where, keyword);
      if (active && !this.values.has(keyword)) this.values.set(keyword, args);
    }
    // Other keywords do not affect the tunnel.
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.input.onWarning(message);
  }

  private first(keyword: string): string | undefined {
    return this.values.get(keyword)?.[0];
  }

  private expandedHostName(): string {
    const hostName = this.first('hostname');
    return hostName === undefined ? this.input.hostArg : expandPercent(hostName, { '%': '%', h: this.input.hostArg }, 'HostName');
  }

  private finalHostName(): string {
    return this.expandedHostName().toLowerCase();
  }

  private toOptions(): SshOptions {
    const { local, env, hostArg } = this.input;
    const hostName = this.finalHostName();
    const user = this.first('user') ?? local.user;
    const port = Number(this.first('port') ?? 22);
    const hostKeyAlias = this.first('hostkeyalias')?.toLowerCase();
    const conn: ConnectionTokens = { hostName, originalHost: hostArg, port, remoteUser: user, ...(hostKeyAlias ? { hostKeyAlias } : {}) };
    const expand = (value: string, keyword: string): string[] => {
      try {
        return [expandPath(value, local, conn, env, keyword)];
      } catch (err) {
        if (!(err instanceof MissingEnvironmentVariable)) throw err;
        this.input.onWarning(`${keyword} "${value}" is ignored: ${err.message}.`);
        return [];
      }
    };
    const userKnownHosts = this.values.get('userknownhostsfile') ?? DEFAULT_USER_KNOWN_HOSTS;
    const agent = this.first('identityagent');
    const connectTimeout = this.first('connecttimeout');
    const proxyJump = this.first('proxyjump');
    const proxyCommand = this.first('proxycommand');
    return {
      hostName,
      user,
      port,
      identityFiles: this.identityFiles.length > 0 ? [...this.identityFiles] : [...OPENSSH_DEFAULT_IDENTITY_FILES],
      identitiesOnly: parseYesNo(this.first('identitiesonly') ?? 'no') ?? false,
      ...(agent !== undefined ? { identityAgent: isAgentKeyword(agent) ? agent : expand(agent, 'IdentityAgent')[0] } : {}),
      ...(proxyJump !== undefined && proxyJump.toLowerCase() !== 'none' ? { proxyJump } : {}),
      ...(proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none' ? { proxyCommand } : {}),
      serverAliveInterval: parseTime(this.first('serveraliveinterval') ?? '0') ?? 0,
      serverAliveCountMax: Number(this.first('serveralivecountmax') ?? 3),
      ...(connectTimeout !== undefined && connectTimeout.toLowerCase() !== 'none' ? { connectTimeout: parseTime(connectTimeout) ?? 0 } : {}),
      userKnownHostsFiles: userKnownHosts.length === 1 && userKnownHosts[0] === 'none'
        ? ['none'] : userKnownHosts.flatMap((f) => expand(f, 'UserKnownHostsFile')),
      globalKnownHostsFiles: [...(this.values.get('globalknownhostsfile') ?? DEFAULT_GLOBAL_KNOWN_HOSTS)],
      strictHostKeyChecking: parseStrictHostKeyChecking(this.first('stricthostkeychecking') ?? 'ask') ?? 'ask',
      ...(hostKeyAlias ? { hostKeyAlias } : {}),
      hashKnownHosts: parseYesNo(this.first('hashknownhosts') ?? 'no') ?? false,
    };
  }
}

/** Values OpenSSH keeps verbatim instead of expanding as a path. */
export function isAgentKeyword(value: string): boolean {
  return value === 'none' || value === 'SSH_AUTH_SOCK' || /^\$[A-Za-z_]/.test(value);
}

function requireArg(args: string[], where: string, keyword: string): string {
  const value = args[0];
  if (value === undefined || value.length === 0) throw badLine(where, `${keyword} needs a value.`);
  return value;
}

function validateValue(keyword: string, value: string, where: string): void {
  const ok = (() => {
    switch (keyword) {
      case 'port': parsePort(value, where); return true;
      case 'identitiesonly': case 'hashknownhosts': return parseYesNo(value) !== undefined;
      case 'stricthostkeychecking': return parseStrictHostKeyChecking(value) !== undefined;
      case 'serveraliveinterval': return parseTime(value) !== undefined;
      case 'connecttimeout': return value.toLowerCase() === 'none' || parseTime(value) !== undefined;
      case 'serveralivecountmax': return /^[0-9]{1,9}$/.test(value);
      default: return true;
    }
  })();
  if (!ok) throw badLine(where, `"${value}" is not a valid value for ${keyword}.`);
}

function badLine(where: string, message: string) {
  return sshConfigError(`SSH config ${where}: ${message}`, 'Fix that line of the SSH config (check it with `ssh -G HOST`).');
}
