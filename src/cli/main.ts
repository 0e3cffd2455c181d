// clawdbot: the command-line entry point. Global flags (--profile, --dev) are applied first; then the
// command's own module is loaded lazily, so `gateway health` never pays for the gateway or SSH code.
// Each command parses its own flags, so `--token` always reaches the command it was given to.

import { applyProfile } from '../config/paths';
import { VERSION } from '../shared/version';

type CommandModule = { run(args: string[]): Promise<number> };
type Loader = () => Promise<CommandModule>;

/** "word" or "word sub" → module. Longest match wins. */
const COMMANDS: Record<string, Loader> = {
  'gateway run': () => import('./commands/gateway-run'),
  'gateway status': () => import('./commands/gateway-status'),
  'gateway health': () => import('./commands/gateway-health'),
  'gateway call': () => import('./commands/gateway-call'),
  'gateway probe': () => import('./commands/gateway-probe'),
  'gateway agent': () => import('./commands/agent'),
  'gateway send': () => import('./commands/send'),
  health: () => import('./commands/health'),
  status: () => import('./commands/status'),
  agent: () => import('./commands/agent'),
  chat: () => import('./commands/chat'),
  tunnel: () => import('./commands/tunnel'),
  ui: () => import('./commands/ui'),
  diagnostics: () => import('./commands/diagnostics'),
};

export const USAGE = `Usage: clawdbot [--profile NAME | --dev] <command> [options]

Gateway
  gateway run            run the gateway in the foreground (ws://127.0.0.1:18789)
  gateway status         service, config and an RPC probe of the gateway
  gateway health         ask the gateway for its health
  gateway call METHOD    call any gateway method (--params JSON)
  gateway probe          probe the local, configured and SSH-tunnelled gateways
  gateway agent          run the agent on a message and stream the reply
  gateway send           send a message through a channel
Everyday
  health                 gateway health (uses the config's gateway.mode)
  status [--deep]        a summary of this machine and the gateway
  agent, chat            talk to the agent (one message, or interactively)
  tunnel TARGET          forward a remote gateway over SSH
  ui                     the desktop app's UI in a browser
  diagnostics            the desktop app's diagnostics bundle, without opening it

Connection options (gateway commands, health, status, agent, chat): --url, --token, --password,
--timeout MS, --json. Run "clawdbot COMMAND --help" for the rest.
`;

function takeGlobalFlags(argv: string[]): { rest: string[]; error?: string } {
  const rest: string[] = [];
  let profile: string | undefined;
  let dev = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--profile') {
      profile = argv[++i];
      if (!profile) return { rest, error: '--profile needs a name' };
    } else if (a.startsWith('--profile=')) profile = a.slice('--profile='.length);
    else if (a === '--dev' && rest.length === 0) dev = true;
    else rest.push(a);
  }
  if (dev && profile) return { rest, error: '--dev and --profile cannot be used together' };
  if (dev) {
    profile = 'dev';
    process.env.CLAWDBOT_GATEWAY_PORT ??= '19001';
  }
  if (profile) {
    const err = applyProfile(profile);
    if (err) return { rest, error: err };
  }
  return { rest };
}

/** Flags that take a value, so that their value is not mistaken for a subcommand below. */
const VALUE_FLAGS = new Set(['--url', '--token', '--password', '--timeout', '--params', '--port', '--bind', '--auth']);

/**
 * `clawdbot gateway --token X call health` → `gateway call health --token X`: flags typed before the
 * subcommand go to the subcommand (the reference dropped them: REF-BUG 7).
 */
function liftGatewaySubcommand(words: string[]): string[] {
  if (words[0] !== 'gateway' || !words[1]?.startsWith('-')) return words;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (w.startsWith('-')) {
      if (VALUE_FLAGS.has(w)) i++;
      continue;
    }
    if (!COMMANDS[`gateway ${w}`]) return words;
    return ['gateway', w, ...words.slice(i + 1), ...words.slice(1, i)];
  }
  return words;
}

export async function main(argv: string[]): Promise<number> {
  const { rest, error } = takeGlobalFlags(argv);
  if (error) {
    process.stderr.write(`clawdbot: ${error}\n`);
    return 2;
  }
  const words = liftGatewaySubcommand(rest);
  const [first, second] = words;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE);
    return first ? 0 : 2;
  }
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const two = second ? `${first} ${second}` : '';
  let loader = COMMANDS[two];
  let args = words.slice(2);
  if (!loader && first === 'gateway' && (second === undefined || second.startsWith('-'))) {
    loader = COMMANDS['gateway run']; // `clawdbot gateway` runs the gateway, as the reference does
    args = words.slice(1);
  }
  if (!loader) {
    loader = COMMANDS[first];
    args = words.slice(1);
  }
  if (!loader) {
    process.stderr.write(`clawdbot: unknown command "${words.join(' ')}"\n\n${USAGE}`);
    return 2;
  }
  const mod = await loader();
  return mod.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
