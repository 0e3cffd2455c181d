// ssh2 is loaded on first use: the CLI bundle keeps it external (its native addons load relative to its
// own files), and commands or desktop code that never open an SSH session never pay for it.
//
// Only the client side is loaded: the package index also loads the server, the HTTP(S) agents (and with
// them node:https and node:tls) and the key generator, none of which a tunnel uses (about 6 ms less on
// the benchmark machine). The parts load with a turn of the event loop before and between them, so that
// I/O started meanwhile (an `ssh -G` finishing, a TCP connect, the server's banner) is handled while
// ssh2 is still loading, not after it.

import type * as NodeCrypto from 'node:crypto';
import type * as Ssh2 from 'ssh2';
import { pooledRandomFill } from './random-pool';

/** What the tunnel uses of ssh2. */
export interface Ssh2Module {
  Client: typeof Ssh2.Client;
  BaseAgent: typeof Ssh2.BaseAgent;
  createAgent: typeof Ssh2.createAgent;
  utils: { parseKey: typeof Ssh2.utils.parseKey };
}

let loading: Promise<Ssh2Module> | undefined;

// ssh2 is CommonJS: under ESM its exports arrive as `default`.
function cjs<T>(m: unknown): T {
  return ((m as { default?: T }).default ?? m) as T;
}

/** One turn of the event loop: I/O that completed meanwhile is handled before the next part loads. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `require` where there is one: the CLI bundle defines it in every chunk (its banner), the desktop's
 * bundle is CommonJS. require() of the parts is also quicker than import() (no ESM wrapper per file).
 */
function nodeRequire(): NodeJS.Require | undefined {
  return typeof require === 'function' ? require : undefined;
}

/**
 * ssh2's crypto module takes crypto.randomFillSync once, as it loads: for that moment the property is a
 * pooled fill (see random-pool.ts), and everything else in the process keeps the real one.
 */
function loadSsh2Crypto(req: NodeJS.Require): void {
  const nodeCrypto = req('node:crypto') as typeof NodeCrypto;
  const real = nodeCrypto.randomFillSync;
  nodeCrypto.randomFillSync = pooledRandomFill(real);
  try {
    req('ssh2/lib/protocol/crypto.js');
  } finally {
    nodeCrypto.randomFillSync = real;
  }
}

/** The path the bundles take (they have require); exported for its test. */
export async function loadSsh2Parts(req: NodeJS.Require): Promise<Ssh2Module> {
  await yieldToIo(); // let the caller start its I/O (`ssh -G`, the TCP connect) first
  loadSsh2Crypto(req);
  // Leaves first (each later part finds them in the require cache): the key parser (asn1, bcrypt,
  // the crypto binding, the algorithm tables), then the agent, then the client and its protocol.
  const { parseKey } = req('ssh2/lib/protocol/keyParser.js') as { parseKey: typeof Ssh2.utils.parseKey };
  await yieldToIo();
  const { BaseAgent, createAgent } = req('ssh2/lib/agent.js') as { BaseAgent: typeof Ssh2.BaseAgent; createAgent: typeof Ssh2.createAgent };
  const Client = req('ssh2/lib/client.js') as typeof Ssh2.Client;
  if (typeof Client !== 'function' || typeof parseKey !== 'function' || typeof createAgent !== 'function') throw new Error('unexpected ssh2 layout');
  return { Client, BaseAgent, createAgent, utils: { parseKey } };
}

async function loadIndex(): Promise<Ssh2Module> {
  return cjs<Ssh2Module>(await import('ssh2'));
}

export function loadSsh2(): Promise<Ssh2Module> {
  // Without require (ESM under a test runner), or with an ssh2 laid out differently: the package index.
  const req = nodeRequire();
  loading ??= req ? loadSsh2Parts(req).catch(() => loadIndex()) : loadIndex();
  return loading;
}
