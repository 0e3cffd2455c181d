// Remote help over the SSH session of remote mode. Each button first says what it will run on the
// remote host; nothing runs until the user confirms.
import type { RemoteHelpAction } from '../store/app-store';
import { useActions, useAppState } from '../store/store-context';
import { ErrorNotice } from './ErrorNotice';

const ACTIONS: Array<{ action: RemoteHelpAction; label: string; explains: string }> = [
  { action: 'read-config', label: 'Read port and token from the remote', explains: 'This reads ~/.clawdbot/clawdbot.json on the remote host and saves its gateway port and token here.' },
  { action: 'status', label: 'Is the remote gateway running?', explains: 'This checks on the remote host whether something listens on the remote gateway port.' },
  { action: 'start', label: 'Start the remote gateway', explains: 'This starts `clawdbot gateway run` on the remote host, in the background.' },
  { action: 'restart', label: 'Restart the remote gateway', explains: 'This stops the remote gateway and starts it again; chats in progress there are cut off.' },
  { action: 'tail-log', label: "Show the remote gateway's log", explains: "This shows the last 100 lines of the remote gateway's log." },
];

export function RemoteHelp() {
  const help = useAppState((s) => s.remoteHelp);
  const target = useAppState((s) => s.desktop?.remote?.target ?? '');
  const { askRemoteHelp, runRemoteHelp } = useActions();
  const asking = ACTIONS.find((a) => a.action === help.asking);
  const busy = help.running !== null;

  return (
    <section className="remote-help" aria-labelledby="remote-help-title">
      <h3 id="remote-help-title">Remote help</h3>
      <div className="button-row">
        {ACTIONS.map((a) => (
          <button key={a.action} type="button" disabled={busy} aria-pressed={help.asking === a.action} onClick={() => askRemoteHelp(a.action)}>
            {a.label}
          </button>
        ))}
      </div>
      {asking ? (
        <div className="confirm" role="group" aria-label="Confirm remote command">
          <p>
            {asking.explains} It runs over SSH on <strong>{target}</strong>.
          </p>
          <div className="button-row">
            <button type="button" className="primary" onClick={() => void runRemoteHelp()}>
              Run it
            </button>
            <button type="button" onClick={() => askRemoteHelp(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {busy ? <p className="muted">Running on the remote host…</p> : null}
      {help.error ? <ErrorNotice error={help.error} /> : null}
      {help.result ? <p className="remote-help-result">{help.result}</p> : null}
      {help.lines.length ? (
        <pre className="remote-log" tabIndex={0} role="region" aria-label="Remote gateway log">
          {help.lines.join('\n')}
        </pre>
      ) : null}
    </section>
  );
}
