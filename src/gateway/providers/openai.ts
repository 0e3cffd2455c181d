// OpenAI-compatible Chat Completions with streaming (OpenAI, OpenRouter, Ollama, llama.cpp server, vLLM,
// LM Studio): POST {baseUrl}/chat/completions, `data: {choices:[{delta:{content}}]}` events, `data: [DONE]`.

import { incompleteStream, malformedStream, ModelError, redact, type HttpContext } from './errors';
import { postStream } from './http';
import { readSse } from './sse';
import { emptyUsage, type CompletionRequest, type CompletionResult } from './types';

interface ChunkShape {
  choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
  error?: { message?: unknown } | string;
}

export async function streamOpenAiCompletions(req: CompletionRequest): Promise<CompletionResult> {
  const { model } = req;
  const ctx: HttpContext = { provider: model.provider, model: model.id, baseUrl: model.baseUrl };
  const messages: Array<{ role: string; content: string }> = [];
  if (req.system) messages.push({ role: 'system', content: req.system });
  for (const m of req.messages) messages.push({ role: m.role, content: m.text });
  const body: Record<string, unknown> = { model: model.id, messages, stream: true, stream_options: { include_usage: true } };
  if (model.maxTokens) body.max_tokens = model.maxTokens;
  const headers: Record<string, string> = model.apiKey ? { authorization: `Bearer ${model.apiKey}` } : {};

  const url = `${model.baseUrl}/chat/completions`;
  let stream: AsyncIterable<Uint8Array>;
  try {
    stream = await postStream(ctx, url, headers, body, req.signal, model.apiKey);
  } catch (err) {
    // Older OpenAI-compatible servers refuse the usage option with a 400; usage is optional, the reply is not.
    if (!(err instanceof ModelError && err.kind === 'http' && /stream_options/.test(err.message))) throw err;
    delete body.stream_options;
    stream = await postStream(ctx, url, headers, body, req.signal, model.apiKey);
  }
  let text = '';
  let stopReason: string | undefined;
  let done = false;
  const usage = emptyUsage();
  try {
    for await (const ev of readSse(stream)) {
      if (ev.data.trim() === '[DONE]') {
        done = true;
        break;
      }
      let chunk: ChunkShape;
      try {
        chunk = JSON.parse(ev.data) as ChunkShape;
      } catch {
        throw malformedStream(ctx, 'an event is not valid JSON');
      }
      if (!chunk || typeof chunk !== 'object') throw malformedStream(ctx, 'an event is not a JSON object');
      if (chunk.error !== undefined) {
        const msg = typeof chunk.error === 'string' ? chunk.error : String(chunk.error?.message ?? 'unknown error');
        throw new ModelError('server', `Model provider "${model.provider}" reported an error mid-reply: ${redact(msg, model.apiKey)}`);
      }
      const choice = chunk.choices?.[0];
      const piece = choice?.delta?.content;
      if (typeof piece === 'string' && piece !== '') {
        text += piece;
        req.onText(piece);
      }
      if (typeof choice?.finish_reason === 'string') stopReason = choice.finish_reason;
      if (chunk.usage) {
        usage.input = chunk.usage.prompt_tokens ?? 0;
        usage.output = chunk.usage.completion_tokens ?? 0;
        usage.cacheRead = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
        usage.totalTokens = chunk.usage.total_tokens ?? usage.input + usage.output;
      }
    }
  } catch (err) {
    if (err instanceof ModelError || req.signal.aborted) throw err;
    throw incompleteStream(ctx);
  }
  // Some servers close after the finish_reason without [DONE]; without either the reply was cut off.
  if (!done && stopReason === undefined) throw incompleteStream(ctx);
  return { text, usage, stopReason: stopReason ?? 'stop' };
}
