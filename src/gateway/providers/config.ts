// Which model a run uses, read from the config exactly as the reference lays it out:
// `models.providers.NAME = {baseUrl, apiKey, api, models:[{id, name, contextWindow?, maxTokens?}]}` and
// `agents.defaults.model.primary = "NAME/MODEL_ID"`. The built-in default (anthropic/claude-opus-4-5)
// works when ANTHROPIC_API_KEY is set, as in the reference.

import { gatewayConfig } from '../../config/effective';
import { ModelError } from './errors';

export type ProviderApi = 'openai-completions' | 'anthropic-messages';

export interface ResolvedModel {
  provider: string;
  api: ProviderApi;
  baseUrl: string;
  /** Never logged or returned. */
  apiKey?: string;
  id: string;
  name: string;
  contextWindow?: number;
  maxTokens?: number;
}

export const DEFAULT_PROVIDER = 'anthropic';
export const DEFAULT_MODEL = 'claude-opus-4-5';
export const DEFAULT_CONTEXT_TOKENS = 200_000;
const BUILT_IN: Record<string, { api: ProviderApi; baseUrl: string; envKey: string }> = {
  anthropic: { api: 'anthropic-messages', baseUrl: 'https://api.anthropic.com', envKey: 'ANTHROPIC_API_KEY' },
  openai: { api: 'openai-completions', baseUrl: 'https://api.openai.com/v1', envKey: 'OPENAI_API_KEY' },
};
const APIS: readonly ProviderApi[] = ['openai-completions', 'anthropic-messages'];

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

function providersOf(config: Obj): Obj {
  return obj(obj(config.models)?.providers) ?? {};
}

/** `agents.defaults.model.primary` (or a plain string there), else the first configured model, else the built-in default. */
export function primaryModelRef(config: Obj): { provider: string; model: string; explicit: boolean } {
  const modelCfg = obj(obj(config.agents)?.defaults)?.model;
  const primary = typeof modelCfg === 'string' ? modelCfg : obj(modelCfg)?.primary;
  if (typeof primary === 'string' && primary.includes('/')) {
    const slash = primary.indexOf('/');
    return { provider: primary.slice(0, slash), model: primary.slice(slash + 1), explicit: true };
  }
  for (const [name, p] of Object.entries(providersOf(config))) {
    const first = (obj(p)?.models as unknown[] | undefined)?.map(obj).find((m) => typeof m?.id === 'string');
    if (first) return { provider: name, model: first.id as string, explicit: false };
  }
  return { provider: DEFAULT_PROVIDER, model: DEFAULT_MODEL, explicit: false };
}

export function configSnippet(): string {
  return '{ models: { providers: { local: { baseUrl: "http://127.0.0.1:11434/v1", apiKey: "ollama", api: "openai-completions", models: [{ id: "llama3.2", name: "Llama 3.2" }] } } }, agents: { defaults: { model: { primary: "local/llama3.2" } } } }';
}

/** The sentence that says whether an edit of the file needs a gateway restart (gateway.reload.mode). */
function whenEditsApply(config: Obj): string {
  const { mode } = gatewayConfig(config).reload;
  return mode === 'hybrid' || mode === 'hot'
    ? 'The running gateway picks up the edit within a few seconds; no restart is needed.'
    : `Then restart the gateway (gateway.reload.mode is "${mode}").`;
}

/** The model a run should use, or a ModelError that says what to add to the config. */
export function resolveModel(config: Obj, env: Record<string, string | undefined>, configPath?: string): ResolvedModel {
  const ref = primaryModelRef(config);
  const where = configPath ? `the config file (${configPath})` : 'the config file (clawdbot.json)';
  const p = obj(providersOf(config)[ref.provider]);
  if (!p) {
    const builtIn = BUILT_IN[ref.provider];
    const key = builtIn ? env[builtIn.envKey] : undefined;
    if (builtIn && key) return { provider: ref.provider, api: builtIn.api, baseUrl: builtIn.baseUrl, apiKey: key, id: ref.model, name: ref.model };
    const why = builtIn
      ? `No model provider is configured (the default model ${ref.provider}/${ref.model} needs ${builtIn.envKey}).`
      : `The model provider "${ref.provider}" (from agents.defaults.model.primary) is not configured.`;
    throw new ModelError('no-provider', `${why} Add a provider to ${where}, for example: ${configSnippet()}. ${whenEditsApply(config)}`);
  }
  const api = p.api ?? 'openai-completions';
  if (!APIS.includes(api as ProviderApi)) {
    throw new ModelError('config', `models.providers.${ref.provider}.api must be "openai-completions" or "anthropic-messages" (got ${JSON.stringify(api)}).`);
  }
  if (typeof p.baseUrl !== 'string' || !/^https?:\/\//.test(p.baseUrl)) {
    throw new ModelError('config', `models.providers.${ref.provider}.baseUrl must be an http(s) URL, e.g. "http://127.0.0.1:11434/v1".`);
  }
  const models = Array.isArray(p.models) ? p.models.map(obj) : [];
  const m = models.find((x) => x?.id === ref.model);
  if (!m && ref.explicit && models.length > 0) {
    throw new ModelError('config', `The model "${ref.model}" is not listed in models.providers.${ref.provider}.models (listed: ${models.map((x) => x?.id).join(', ')}).`);
  }
  const resolved: ResolvedModel = {
    provider: ref.provider,
    api: api as ProviderApi,
    baseUrl: p.baseUrl.replace(/\/+$/, ''),
    id: ref.model,
    name: typeof m?.name === 'string' ? m.name : ref.model,
  };
  const apiKey = resolveApiKey(p.apiKey, ref.provider, env);
  if (apiKey) resolved.apiKey = apiKey;
  if (typeof m?.contextWindow === 'number') resolved.contextWindow = m.contextWindow;
  if (typeof m?.maxTokens === 'number') resolved.maxTokens = m.maxTokens;
  return resolved;
}

/** A literal key or `${ENV_VAR}` references. */
function resolveApiKey(value: unknown, provider: string, env: Record<string, string | undefined>): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') throw new ModelError('config', `models.providers.${provider}.apiKey refers to \${${name}}, which is not set in the gateway's environment.`);
    return v;
  });
}
