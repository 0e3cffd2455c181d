// Agent runs: one model call per accepted message, queued per session, streamed as `agent` and `chat`
// events (spec §10). Every run ends with exactly one chat event in state final, error or aborted,
// whatever happens: no model, provider faults, chat.abort, the run timeout, the sweeper, shutdown.

import type { Broadcast, Logger } from '../methods/types';
import { resolveModel, type ResolvedModel } from '../providers/config';
import { ModelError } from '../providers/errors';
import { streamCompletion } from '../providers/stream';
import type { Usage } from '../providers/types';
import type { SessionStore } from '../sessions/store';
import type { TranscriptMessage } from '../sessions/transcript';
import { buildConversation, contextCharBudget } from './context';
import { DeltaThrottle } from './delta-throttle';

export type RunStatus = 'ok' | 'error' | 'aborted';

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  sessionKey: string;
  sessionId?: string;
  text: string;
  error?: string;
  stopReason?: string;
  startedAt?: number;
  endedAt: number;
  provider?: string;
  model?: string;
  usage?: Usage;
}

export interface RunTimers {
  /** How often the housekeeping sweep runs (spec §6: 60 s). */
  sweepIntervalMs: number;
  /** Added to a run's timeout before the sweeper aborts it (60 s). */
  deadlineGraceMs: number;
  /** The sweeper's deadline is at least this (2 min) and at most 24 h. */
  minDeadlineMs: number;
  /** How long finished runs stay answerable by agent.wait (10 min). */
  resultTtlMs: number;
}

export const DEFAULT_RUN_TIMERS: RunTimers = { sweepIntervalMs: 60_000, deadlineGraceMs: 60_000, minDeadlineMs: 120_000, resultTtlMs: 600_000 };
const MAX_DEADLINE_MS = 24 * 3600_000;
export const DEFAULT_MAX_RESULTS = 1000;

export interface RunManagerDeps {
  store: SessionStore;
  broadcast: Broadcast;
  log: Logger;
  getConfig: () => Record<string, unknown>;
  configPath?: string;
  env?: Record<string, string | undefined>;
  timers?: Partial<RunTimers>;
  /** At most this many finished results are kept for agent.wait, oldest dropped first (default 1000). */
  maxResults?: number;
}

export interface StartRun {
  runId: string;
  /** Canonical key: where the transcript lives. */
  sessionKey: string;
  /** The key as the client sent it: what events carry, so the sender's filter matches (as the reference). */
  eventSessionKey: string;
  message: string;
  timeoutMs: number;
  /** Called with the outcome just before the terminal event goes out (a client may resend at once). */
  onDone?: (outcome: RunOutcome) => void;
}

interface Run extends StartRun {
  acceptedAt: number;
  startedAt?: number;
  /** The transcript the run answers (a reset meanwhile must not move its reply to the new one). */
  sessionId?: string;
  deadline: number;
  seq: number;
  text: string;
  controller: AbortController;
  /** Set once: the run's terminal chat event went out. */
  terminal?: RunStatus;
  /** The reply is complete and being written: too late to abort. */
  completing: boolean;
  timedOut: boolean;
  throttle?: DeltaThrottle;
  timer?: NodeJS.Timeout;
  outcome?: RunOutcome;
  resolveDone: (o: RunOutcome) => void;
  done: Promise<RunOutcome>;
}

export class RunManager {
  private runs = new Map<string, Run>();
  private results = new Map<string, RunOutcome>();
  private sessionTails = new Map<string, Promise<void>>();
  private executions = new Set<Promise<void>>();
  private readonly timers: RunTimers;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly deps: RunManagerDeps) {
    this.timers = { ...DEFAULT_RUN_TIMERS, ...deps.timers };
    this.sweeper = setInterval(() => this.sweep(), this.timers.sweepIntervalMs);
    this.sweeper.unref();
  }

  /** Queues a run behind earlier runs of the same session; `done` resolves with its outcome. */
  start(req: StartRun): Promise<RunOutcome> {
    const deadlineSpan = Math.min(Math.max(req.timeoutMs + this.timers.deadlineGraceMs, this.timers.minDeadlineMs), MAX_DEADLINE_MS);
    const run = newRun(req, deadlineSpan);
    this.runs.set(run.runId, run);
    const previous = this.sessionTails.get(run.sessionKey) ?? Promise.resolve();
    const execution = previous.then(() => this.execute(run)).catch((err: unknown) => {
      this.deps.log.error('agent run crashed', { runId: run.runId, error: String(err) });
      this.finishError(run, `The gateway failed while running this message: ${String(err)}`);
    });
    const tail = execution.finally(() => {
      this.executions.delete(execution);
      if (this.sessionTails.get(run.sessionKey) === tail) this.sessionTails.delete(run.sessionKey);
    });
    this.sessionTails.set(run.sessionKey, tail);
    this.executions.add(execution);
    return run.done;
  }

  /** A reply the gateway writes itself (slash commands): same events as a model reply, no model call. */
  reply(req: Omit<StartRun, 'timeoutMs'>, text: string): RunOutcome {
    const now = Date.now();
    const run = newRun({ ...req, timeoutMs: 0 }, 0);
    run.startedAt = now;
    run.completing = true;
    this.emitAgent(run, 'lifecycle', { phase: 'start', startedAt: now });
    this.emitAgent(run, 'assistant', { text, delta: text });
    this.emitAgent(run, 'lifecycle', { phase: 'end', endedAt: Date.now() });
    return this.finish(run, { status: 'ok', text }, assistantMessage(text, now));
  }

  /** Aborts one run; the aborted chat event goes out before this returns (spec §9.3). */
  abort(runId: string, stopReason: string): boolean {
    const run = this.runs.get(runId);
    if (!run || run.terminal || run.completing) return false;
    this.finish(run, { status: 'aborted', text: run.text, stopReason });
    run.controller.abort(new Error(`aborted: ${stopReason}`));
    return true;
  }

  /** Aborts every run of a session (queued or running), oldest first. */
  abortSession(sessionKey: string, stopReason: string): string[] {
    const ids = this.activeRunIds(sessionKey);
    return ids.filter((id) => this.abort(id, stopReason));
  }

  activeRunIds(sessionKey?: string): string[] {
    return [...this.runs.values()].filter((r) => !r.terminal && (sessionKey === undefined || r.sessionKey === sessionKey)).map((r) => r.runId);
  }

  /** The session a run belongs to, while it runs or its result is kept. */
  sessionOf(runId: string): string | undefined {
    return this.runs.get(runId)?.sessionKey ?? this.results.get(runId)?.sessionKey;
  }

  /** Waits for the session's queue to drain (sessions.delete), up to `timeoutMs`. Resolves true if idle. */
  async waitIdle(sessionKey: string, timeoutMs: number): Promise<boolean> {
    const tail = this.sessionTails.get(sessionKey);
    if (!tail) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const idle = await Promise.race([tail.then(() => true), timeout]);
    clearTimeout(timer);
    return idle && !this.sessionTails.has(sessionKey);
  }

  /** The outcome of a run: now if finished (kept 10 min), else when it ends, else undefined after `timeoutMs`. */
  async wait(runId: string, timeoutMs: number): Promise<RunOutcome | undefined> {
    const kept = this.results.get(runId);
    if (kept) return kept;
    const run = this.runs.get(runId);
    if (!run) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)));
    const outcome = await Promise.race([run.done, timeout]);
    clearTimeout(timer);
    return outcome;
  }

  /** How many finished results are kept for agent.wait (tests, diagnostics). */
  resultCount(): number {
    return this.results.size;
  }

  active(): number {
    return this.activeRunIds().length;
  }

  /** Aborts every run (each gets its terminal event) and waits until their transcripts are written. */
  async close(stopReason = 'shutdown'): Promise<void> {
    clearInterval(this.sweeper);
    for (const id of this.activeRunIds()) this.abort(id, stopReason);
    await Promise.allSettled([...this.executions]);
  }

  /** Housekeeping (spec §6): runs past their deadline are aborted with stopReason "timeout"; old results go. */
  sweep(now = Date.now()): void {
    for (const run of [...this.runs.values()]) {
      if (!run.terminal && now > run.deadline) {
        this.deps.log.warn('agent run passed its deadline; aborting it', { runId: run.runId, sessionKey: run.sessionKey });
        this.abort(run.runId, 'timeout');
      }
    }
    for (const [id, r] of this.results) if (now - r.endedAt > this.timers.resultTtlMs) this.results.delete(id);
  }

  private async execute(run: Run): Promise<void> {
    if (run.terminal) return;
    const startedAt = Date.now();
    run.startedAt = startedAt;
    let model: ResolvedModel;
    try {
      model = resolveModel(this.deps.getConfig(), this.deps.env ?? process.env, this.deps.configPath);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.emitAgent(run, 'lifecycle', { phase: 'error', startedAt, endedAt: Date.now(), error: message });
      this.finishError(run, message);
      return;
    }
    this.emitAgent(run, 'lifecycle', { phase: 'start', startedAt });
    run.sessionId = this.deps.store.get(run.sessionKey)?.sessionId;
    const pending = new Set(this.activeRunIds(run.sessionKey));
    pending.add(run.runId);
    const lines = await this.deps.store.lines(run.sessionKey);
    const messages = buildConversation(lines, pending, run.message, contextCharBudget(model.contextWindow));
    run.throttle = new DeltaThrottle((seq, at) => this.emitChat(run, seq, 'delta', { message: assistantMessage(run.text, at) }));
    run.timer = setTimeout(() => {
      run.timedOut = true;
      run.controller.abort(new Error('run timeout'));
    }, run.timeoutMs);

    let result;
    try {
      result = await streamCompletion(
        {
          model,
          messages,
          signal: run.controller.signal,
          onText: (piece) => {
            if (run.terminal) return;
            run.text += piece;
            const seq = this.emitAgent(run, 'assistant', { text: run.text, delta: piece });
            run.throttle?.push(seq);
          },
        },
        { deadline: startedAt + run.timeoutMs },
      );
    } catch (err) {
      clearTimeout(run.timer);
      if (run.terminal === 'aborted') return this.persistPartial(run, model);
      const message = run.timedOut
        ? `Model provider "${model.provider}" did not finish the reply within ${formatDuration(run.timeoutMs)} (the run timeout). Check that the model server is responsive, or raise the timeout.`
        : errorText(err, model);
      this.emitAgent(run, 'lifecycle', { phase: 'error', startedAt, endedAt: Date.now(), error: message });
      this.finishError(run, message, model);
      return;
    }
    clearTimeout(run.timer);
    if (run.terminal) return this.persistPartial(run, model);
    run.completing = true;
    run.throttle.stop();
    const endedAt = Date.now();
    const message = assistantMessage(result.text, endedAt, { api: model.api, provider: model.provider, model: model.id, usage: usageWithCost(result.usage), stopReason: result.stopReason });
    try {
      await this.deps.store.append(run.sessionKey, message, run.runId, run.sessionId);
    } catch (err) {
      const why = `The reply could not be saved to the session transcript: ${String(err)}`;
      this.emitAgent(run, 'lifecycle', { phase: 'error', startedAt, endedAt, error: why });
      this.finishError(run, why, model);
      return;
    }
    this.deps.store.touch(run.sessionKey, (e) => {
      if (e.sessionId !== run.sessionId) return;
      e.inputTokens = result.usage.input;
      e.outputTokens = result.usage.output;
      e.totalTokens = result.usage.totalTokens;
      e.modelProvider = model.provider;
      e.model = model.id;
      if (model.contextWindow) e.contextTokens = model.contextWindow;
      e.abortedLastRun = false;
    });
    this.emitAgent(run, 'lifecycle', { phase: 'end', endedAt });
    // The chat event carries the text only; the transcript (chat.history) keeps the model and usage too.
    this.finish(run, { status: 'ok', text: result.text, provider: model.provider, model: model.id, usage: result.usage }, result.text === '' ? undefined : assistantMessage(result.text, endedAt));
  }

  /** What the user saw of an aborted reply stays in the transcript, marked as aborted. */
  private async persistPartial(run: Run, model: ResolvedModel): Promise<void> {
    this.deps.store.touch(run.sessionKey, (e) => {
      if (e.sessionId === run.sessionId) e.abortedLastRun = true;
    });
    if (run.text === '') return;
    const message = assistantMessage(run.text, Date.now(), { api: model.api, provider: model.provider, model: model.id, stopReason: 'aborted' });
    await this.deps.store.append(run.sessionKey, message, run.runId, run.sessionId).catch((err: unknown) => {
      this.deps.log.warn('could not save the partial reply of an aborted run', { runId: run.runId, error: String(err) });
    });
  }

  private finishError(run: Run, message: string, model?: ResolvedModel): void {
    this.finish(run, { status: 'error', text: run.text, error: message, provider: model?.provider, model: model?.id });
  }

  /** Sends the run's one terminal chat event and records its outcome. Later calls do nothing. */
  private finish(run: Run, result: Omit<RunOutcome, 'runId' | 'sessionKey' | 'endedAt'>, finalMessage?: TranscriptMessage): RunOutcome {
    if (run.terminal) return run.outcome!;
    run.terminal = result.status;
    run.throttle?.stop();
    clearTimeout(run.timer);
    const outcome: RunOutcome = { runId: run.runId, sessionKey: run.sessionKey, sessionId: run.sessionId ?? this.deps.store.get(run.sessionKey)?.sessionId, endedAt: Date.now(), startedAt: run.startedAt, ...result };
    run.onDone?.(outcome);
    if (result.status === 'ok') this.emitChat(run, run.seq, 'final', finalMessage ? { message: finalMessage } : {});
    else if (result.status === 'error') this.emitChat(run, run.seq, 'error', { errorMessage: result.error });
    else {
      run.seq += 1;
      this.emitChat(run, run.seq, 'aborted', { stopReason: result.stopReason });
    }
    run.outcome = outcome;
    this.runs.delete(run.runId);
    this.results.set(run.runId, outcome);
    // Map order is insertion order: the first results are the oldest.
    const maxResults = this.deps.maxResults ?? DEFAULT_MAX_RESULTS;
    while (this.results.size > maxResults) this.results.delete(this.results.keys().next().value as string);
    run.resolveDone(outcome);
    return outcome;
  }

  private emitAgent(run: Run, stream: string, data: Record<string, unknown>): number {
    run.seq += 1;
    this.deps.broadcast('agent', { runId: run.runId, stream, data, sessionKey: run.eventSessionKey, seq: run.seq, ts: Date.now() });
    return run.seq;
  }

  private emitChat(run: Run, seq: number, state: 'delta' | 'final' | 'error' | 'aborted', extra: Record<string, unknown>): void {
    const payload = { runId: run.runId, sessionKey: run.eventSessionKey, seq, state, ...extra };
    this.deps.broadcast('chat', payload, state === 'delta' ? { dropIfSlow: true } : undefined);
  }
}

function newRun(req: StartRun, deadlineSpan: number): Run {
  const now = Date.now();
  let resolveDone!: (o: RunOutcome) => void;
  const done = new Promise<RunOutcome>((r) => (resolveDone = r));
  return { ...req, acceptedAt: now, deadline: now + deadlineSpan, seq: 0, text: '', controller: new AbortController(), completing: false, timedOut: false, resolveDone, done };
}

export function assistantMessage(text: string, timestamp: number, extra: Record<string, unknown> = {}): TranscriptMessage {
  return { role: 'assistant', content: [{ type: 'text', text }], ...extra, timestamp };
}

function formatDuration(ms: number): string {
  return ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function usageWithCost(u: Usage): Record<string, unknown> {
  return { ...u, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } };
}

function errorText(err: unknown, model: ResolvedModel): string {
  const raw = err instanceof ModelError ? err.message : `Model provider "${model.provider}" failed: ${err instanceof Error ? err.message : String(err)}`;
  return model.apiKey ? raw.split(model.apiKey).join('[redacted]') : raw;
}
