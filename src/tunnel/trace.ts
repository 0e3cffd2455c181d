// Startup timestamps for profiling the connect path: with CLAWDBOT_TUNNEL_TRACE set, each step prints
// "[tunnel-trace +N.N ms] step" to stderr, N counted from the process start (performance.timeOrigin).
// CLAWDBOT_TUNNEL_TRACE=ssh2 adds ssh2's packet log (message types and algorithms; it carries no key,
// password or passphrase). Off by default.

const setting = typeof process !== 'undefined' ? (process.env.CLAWDBOT_TUNNEL_TRACE ?? '') : '';
const enabled = setting !== '';

export function trace(step: string): void {
  if (enabled) process.stderr.write(`[tunnel-trace +${performance.now().toFixed(1)} ms] ${step}\n`);
}

/** ssh2's `debug` option when CLAWDBOT_TUNNEL_TRACE=ssh2, else undefined. */
export function ssh2PacketTrace(): ((message: string) => void) | undefined {
  return setting === 'ssh2' ? (message) => trace(`ssh2: ${message}`) : undefined;
}
