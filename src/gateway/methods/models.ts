// models.list (spec §9.1): the models of the providers configured under models.providers.
// This gateway ships no built-in catalog.

import type { GatewayContext } from '../context';
import type { MethodTable } from './types';

export interface ModelEntry {
  id: string;
  name: string;
  provider: string;
  contextWindow?: number;
  reasoning?: boolean;
  input?: string[];
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function configuredModels(config: Record<string, unknown>): ModelEntry[] {
  const out: ModelEntry[] = [];
  for (const [provider, p] of Object.entries(obj(obj(config.models).providers))) {
    const models = obj(p).models;
    if (!Array.isArray(models)) continue;
    for (const m of models.map(obj)) {
      if (typeof m.id !== 'string' || !m.id) continue;
      out.push({
        id: m.id,
        name: typeof m.name === 'string' ? m.name : m.id,
        provider,
        ...(typeof m.contextWindow === 'number' ? { contextWindow: m.contextWindow } : {}),
        reasoning: m.reasoning === true,
        input: Array.isArray(m.input) ? (m.input as string[]) : ['text'],
      });
    }
  }
  return out;
}

export const modelMethods: MethodTable<GatewayContext> = {
  'models.list': (call) => {
    call.respond.ok({ models: configuredModels(call.services.config.get()) });
  },
};
