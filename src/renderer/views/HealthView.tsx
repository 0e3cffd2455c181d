// Health: the state in words, latency over time, what the gateway reports, the last error with its hint.
import { ErrorNotice } from '../components/ErrorNotice';
import { Sparkline } from '../components/Sparkline';
import { useActions, useAppState } from '../store/store-context';

const NO_SAMPLES: number[] = [];
const MODE_NAMES = { unconfigured: 'Not configured', local: 'Local (this machine)', remote: 'Remote over SSH' } as const;

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

export function HealthView() {
  const desktop = useAppState((s) => s.desktop);
  const history = useAppState((s) => s.desktop?.health?.latencyHistory ?? NO_SAMPLES);
  const actionError = useAppState((s) => s.healthActionError);
  const deepStatus = useAppState((s) => s.deepStatus);
  const deepLoading = useAppState((s) => s.deepStatusLoading);
  const controlUi = useAppState((s) => s.host === 'control-ui');
  const diagnostics = useAppState((s) => s.diagnostics);
  const { reconnectNow, checkHealth, loadDeepStatus, copyDiagnostics } = useActions();
  const health = desktop?.health ?? null;

  return (
    <div className="health-view">
      <section aria-labelledby="health-state">
        <h2 id="health-state">State</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>{desktop?.statusText ?? 'Connecting…'}</dd>
          {controlUi ? null : (
            <>
              <dt>Clawdbot runs</dt>
              <dd>{desktop ? MODE_NAMES[desktop.mode] : '—'}</dd>
            </>
          )}
          <dt>Endpoint</dt>
          <dd>{desktop?.endpointUrl ?? '—'}</dd>
          {desktop?.remote ? (
            <>
              <dt>SSH</dt>
              <dd>{desktop.remote.resolvedDescription}</dd>
            </>
          ) : null}
        </dl>
        <div className="button-row">
          <button type="button" className="primary" onClick={() => void reconnectNow()}>
            Reconnect now
          </button>
          <button type="button" onClick={() => void checkHealth()}>
            Check health
          </button>
          {controlUi ? null : (
            <button type="button" onClick={() => void copyDiagnostics()} disabled={diagnostics.status === 'copying'}>
              Copy diagnostics
            </button>
          )}
          {diagnostics.status === 'copied' ? <span className="save-saved">Diagnostics copied (secrets removed).</span> : null}
        </div>
        {diagnostics.error ? <ErrorNotice error={diagnostics.error} /> : null}
        {diagnostics.status === 'shown' ? (
          <textarea className="diagnostics-text" readOnly value={diagnostics.text} aria-label="Diagnostics to copy" rows={10} />
        ) : null}
        {actionError ? <ErrorNotice error={actionError} /> : null}
        {desktop?.warnings.length ? (
          <ul className="warnings">
            {desktop.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="health-gateway">
        <h2 id="health-gateway">Gateway</h2>
        <Sparkline values={history} />
        <dl className="facts">
          <dt>Latency</dt>
          <dd>{health?.latencyMs != null ? `${Math.round(health.latencyMs)} ms` : '—'}</dd>
          <dt>Gateway version</dt>
          <dd>{health?.gatewayVersion ?? '—'}</dd>
          <dt>Uptime</dt>
          <dd>{health?.uptimeMs != null ? formatDuration(health.uptimeMs) : '—'}</dd>
          <dt>Sessions</dt>
          <dd>{health?.sessionCount ?? '—'}</dd>
          <dt>Last check</dt>
          <dd>{health ? `${health.ok ? 'OK' : 'failed'} at ${new Date(health.checkedAt).toLocaleTimeString()}` : '—'}</dd>
        </dl>
      </section>

      <section aria-labelledby="health-error">
        <h2 id="health-error">Last error</h2>
        {desktop?.lastError ? <ErrorNotice error={desktop.lastError} label="Last error" /> : <p className="muted">None.</p>}
      </section>

      <section aria-labelledby="health-deep">
        <h2 id="health-deep">Deep status</h2>
        <button type="button" onClick={() => void loadDeepStatus()} disabled={deepLoading}>
          {deepLoading ? 'Loading deep status…' : 'Show deep status'}
        </button>
        {deepStatus?.error ? <ErrorNotice error={deepStatus.error} /> : null}
        {deepStatus?.status !== undefined ? (
          <pre className="deep-status" tabIndex={0} role="region" aria-label="Deep status result">
            {JSON.stringify(deepStatus.status, null, 2)}
          </pre>
        ) : null}
      </section>
    </div>
  );
}
