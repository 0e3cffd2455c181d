// What a provider adapter gets and returns. Adapters speak one wire protocol each; the run manager
// only sees this shape.

import type { ResolvedModel } from './config';

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface CompletionRequest {
  model: ResolvedModel;
  system?: string;
  messages: ChatTurn[];
  /** Aborting cancels the HTTP request (chat.abort, run timeout, shutdown). */
  signal: AbortSignal;
  /** Called with each new piece of reply text, in order. */
  onText(piece: string): void;
}

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
}

export interface CompletionResult {
  text: string;
  usage: Usage;
  /** 'stop' | 'length' | … as the provider reported it. */
  stopReason: string;
}

export function emptyUsage(): Usage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0 };
}
