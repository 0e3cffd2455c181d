// One completion with the configured adapter. A 429 is retried once after the provider's
// `retry-after` (when that wait still fits in the run's time budget); other faults end the call.

import { streamAnthropicMessages } from './anthropic';
import { ModelError } from './errors';
import { streamOpenAiCompletions } from './openai';
import type { CompletionRequest, CompletionResult } from './types';

const DEFAULT_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 60_000;

export interface StreamOptions {
  /** Epoch ms after which the run times out; a retry that would wait past it is not attempted. */
  deadline?: number;
}

export async function streamCompletion(req: CompletionRequest, opts: StreamOptions = {}): Promise<CompletionResult> {
  const adapter = req.model.api === 'anthropic-messages' ? streamAnthropicMessages : streamOpenAiCompletions;
  try {
    return await adapter(req);
  } catch (err) {
    if (!(err instanceof ModelError) || err.kind !== 'rate-limited' || req.signal.aborted) throw err;
    const wait = Math.min(err.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS);
    if (opts.deadline !== undefined && Date.now() + wait >= opts.deadline) throw err;
    await sleep(wait, req.signal);
    return adapter(req);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
