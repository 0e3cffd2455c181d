// `clawdbot ui [--port N] [--open]`: the desktop app's UI in a browser (the browser twin). Starts the
// desktop core with Node ports under the state dir, serves dist/renderer and the DesktopApi on
// 127.0.0.1, prints exactly one line "UI ready: URL", and on Ctrl-C stops what the core started.

import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createDesktopCore } from '../../desktop/core';
import { createNodeDesktopPorts } from '../../desktop/node-ports';
import { locateCliLauncher } from '../../desktop/node-spawner';
import { startTwinServer } from '../../web/twin-server';

const HELP = `Usage: clawdbot ui [--port N] [--open]

Serves the desktop app's UI (Settings, Health, WebChat, Logs) on http://127.0.0.1, protected by a
random token in the printed URL.
  --port N   listen on port N (default: a free port)
  --open     open the URL in the default browser
`;

function parseArgs(args: string[]): { port: number; open: boolean } | string {
  let port = 0;
  let open = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--open') open = true;
    else if (a === '--port' || a.startsWith('--port=')) {
      const v = a === '--port' ? args[++i] : a.slice('--port='.length);
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) return `--port needs a port number (0-65535), not "${v ?? ''}"`;
      port = n;
    } else if (a === '--help' || a === '-h') return 'help';
    else return `unknown option "${a}"`;
  }
  return { port, open };
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`clawdbot ui: could not open a browser; open the URL above yourself.\n`));
  child.unref();
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`clawdbot ui: ${parsed}\n\n${HELP}`);
    return 2;
  }
  const rendererDir = join(resolve(dirname(locateCliLauncher()), '..'), 'dist', 'renderer');
  const core = createDesktopCore(createNodeDesktopPorts(process.env));
  let twin;
  try {
    twin = await startTwinServer({ core, rendererDir, port: parsed.port });
  } catch (err) {
    await core.shutdown();
    process.stderr.write(`clawdbot ui: cannot listen on 127.0.0.1:${parsed.port}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  for (const w of core.getState().warnings) process.stderr.write(`clawdbot ui: warning: ${w}\n`);
  process.stdout.write(`UI ready: ${twin.url}\n`);
  if (parsed.open) openBrowser(twin.url);
  const server = twin;
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void Promise.allSettled([server.close(), core.shutdown()]).then(() => resolveExit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
