// Startup timestamps for profiling the connect path: with CLAWDBOT_TUNNEL_TRACE set, each step prints
// "[tunnel-trace +N.N ms] step" to stderr, N counted from the process start (performance.timeOrigin).
// Off by default; never prints anything secret (steps only, no keys, no passphrases).

const enabled = typeof process !== 'undefined' && !!process.env.CLAWDBOT_TUNNEL_TRACE;

export function trace(step: string): void {
  if (enabled) process.stderr.write(`[tunnel-trace +${performance.now().toFixed(1)} ms] ${step}\n`);
}

export function tracing(): boolean {
  return enabled;
}
