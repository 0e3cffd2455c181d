// Anthropic Messages with streaming: POST {baseUrl}/v1/messages, events message_start,
// content_block_delta (text_delta), message_delta (stop_reason, usage), message_stop, error.

import { incompleteStream, malformedStream, ModelError, redact, type HttpContext } from './errors';
import { postStream } from './http';
import { readSse } from './sse';
import { emptyUsage, type ChatTurn, type CompletionRequest, type CompletionResult } from './types';

const ANTHROPIC_VERSION = '2023-06-01';
const DEFAULT_MAX_TOKENS = 4096;

interface EventShape {
  type?: string;
  message?: { usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number } };
  delta?: { type?: string; text?: unknown; stop_reason?: unknown };
  usage?: { output_tokens?: number };
  error?: { type?: string; message?: unknown };
}

export function messagesUrl(baseUrl: string): string {
  return /\/v1$/.test(baseUrl) ? `${baseUrl}/messages` : `${baseUrl}/v1/messages`;
}

/** The API wants alternating turns starting with the user: merge neighbours of the same role. */
export function alternateTurns(turns: ChatTurn[]): ChatTurn[] {
  const out: ChatTurn[] = [];
  for (const t of turns) {
    const prev = out[out.length - 1];
    if (prev && prev.role === t.role) prev.text = `${prev.text}\n\n${t.text}`;
    else out.push({ ...t });
  }
  while (out[0]?.role === 'assistant') out.shift();
  return out;
}

export async function streamAnthropicMessages(req: CompletionRequest): Promise<CompletionResult> {
  const { model } = req;
  const ctx: HttpContext = { provider: model.provider, model: model.id, baseUrl: model.baseUrl };
  const body: Record<string, unknown> = {
    model: model.id,
    max_tokens: model.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: alternateTurns(req.messages).map((m) => ({ role: m.role, content: m.text })),
    stream: true,
  };
  if (req.system) body.system = req.system;
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
  if (model.apiKey) headers['x-api-key'] = model.apiKey;

  const stream = await postStream(ctx, messagesUrl(model.baseUrl), headers, body, req.signal, model.apiKey);
  let text = '';
  let stopReason = 'stop';
  let done = false;
  const usage = emptyUsage();
  try {
    for await (const ev of readSse(stream)) {
      let data: EventShape;
      try {
        data = JSON.parse(ev.data) as EventShape;
      } catch {
        throw malformedStream(ctx, 'an event is not valid JSON');
      }
      if (!data || typeof data !== 'object') throw malformedStream(ctx, 'an event is not a JSON object');
      const type = data.type ?? ev.event;
      if (type === 'error') {
        const msg = String(data.error?.message ?? data.error?.type ?? 'unknown error');
        throw new ModelError('server', `Model provider "${model.provider}" reported an error mid-reply: ${redact(msg, model.apiKey)}`);
      }
      if (type === 'message_start') {
        const u = data.message?.usage;
        usage.input = u?.input_tokens ?? 0;
        usage.cacheRead = u?.cache_read_input_tokens ?? 0;
        usage.cacheWrite = u?.cache_creation_input_tokens ?? 0;
        usage.output = u?.output_tokens ?? 0;
      } else if (type === 'content_block_delta' && data.delta?.type === 'text_delta' && typeof data.delta.text === 'string') {
        if (data.delta.text !== '') {
          text += data.delta.text;
          req.onText(data.delta.text);
        }
      } else if (type === 'message_delta') {
        if (typeof data.delta?.stop_reason === 'string') stopReason = data.delta.stop_reason === 'end_turn' ? 'stop' : data.delta.stop_reason;
        if (typeof data.usage?.output_tokens === 'number') usage.output = data.usage.output_tokens;
      } else if (type === 'message_stop') {
        done = true;
        break;
      }
    }
  } catch (err) {
    if (err instanceof ModelError || req.signal.aborted) throw err;
    throw incompleteStream(ctx);
  }
  if (!done) throw incompleteStream(ctx);
  usage.totalTokens = usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
  return { text, usage, stopReason };
}
