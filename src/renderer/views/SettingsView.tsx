// Settings: where Clawdbot runs, the SSH fields for remote mode, the theme. Save persists; switching
// mode is done by the brain when the saved mode differs.
import type { Mode } from '../../shared/desktop-api';
import type { Theme } from '../../shared/settings';
import { RemoteHelp } from '../components/RemoteHelp';
import { RemoteTestResults } from '../components/RemoteTestResults';
import { SshTargetPreview } from '../components/SshTargetPreview';
import { TextField } from '../components/TextField';
import { useActions, useAppState } from '../store/store-context';

const MODES: Array<{ value: Mode; label: string }> = [
  { value: 'unconfigured', label: 'Not configured' },
  { value: 'local', label: 'Local (this machine)' },
  { value: 'remote', label: 'Remote over SSH' },
];

const THEMES: Array<{ value: Theme; label: string }> = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SettingsView() {
  const form = useAppState((s) => s.settingsForm);
  const settings = useAppState((s) => s.settings);
  const save = useAppState((s) => s.settingsSave);
  const testing = useAppState((s) => s.remoteTest.running);
  // Remote help rides on the SSH session, which exists only once remote mode is running.
  const remoteActive = useAppState((s) => s.desktop?.mode === 'remote');
  const { editSettings, saveSettings, testRemote } = useActions();
  if (!form || !settings) return <p className="muted">Loading settings…</p>;
  const errorFor = (field: string) => (save.status === 'error' && save.field === field ? save.message : undefined);

  return (
    <form
      className="settings-view"
      onSubmit={(event) => {
        event.preventDefault();
        void saveSettings();
      }}
    >
      <fieldset>
        <legend>Clawdbot runs</legend>
        {MODES.map((m) => (
          <label key={m.value} className="radio">
            <input type="radio" name="mode" value={m.value} checked={form.mode === m.value} onChange={() => editSettings({ mode: m.value })} />
            {m.label}
          </label>
        ))}
      </fieldset>

      {form.mode === 'local' ? (
        <fieldset>
          <legend>Local gateway</legend>
          <TextField
            id="gateway-port"
            label="Gateway port"
            inputMode="numeric"
            value={form.gatewayPort}
            error={errorFor('gatewayPort')}
            onValue={(v) => editSettings({ gatewayPort: v })}
          />
        </fieldset>
      ) : null}

      {form.mode === 'remote' ? (
        <fieldset>
          <legend>Remote over SSH</legend>
          <TextField
            id="ssh-target"
            error={errorFor('target')}
            label="SSH target"
            value={form.target}
            placeholder="alias from ~/.ssh/config or user@host[:port]"
            autoComplete="off"
            spellCheck={false}
            onValue={(v) => editSettings({ target: v })}
          />
          <SshTargetPreview />
          <TextField id="identity-file" label="Identity file" value={form.identityFile} placeholder="~/.ssh/id_ed25519 (optional)" spellCheck={false} onValue={(v) => editSettings({ identityFile: v })} />
          <TextField
            id="key-passphrase"
            label="Key passphrase"
            type="password"
            autoComplete="off"
            value={form.keyPassphrase}
            placeholder={settings.hasKeyPassphrase ? 'saved (leave empty to keep)' : 'only if the key is encrypted'}
            onValue={(v) => editSettings({ keyPassphrase: v })}
          />
          <TextField
            id="known-hosts-file"
            label="Known hosts file"
            value={form.knownHostsFile}
            placeholder="~/.ssh/known_hosts (optional)"
            spellCheck={false}
            onValue={(v) => editSettings({ knownHostsFile: v })}
          />
          <TextField
            id="remote-port"
            label="Remote gateway port"
            inputMode="numeric"
            value={form.remotePort}
            error={errorFor('remotePort')}
            onValue={(v) => editSettings({ remotePort: v })}
          />
          <TextField
            id="local-port"
            error={errorFor('localPort')}
            label="Local port"
            inputMode="numeric"
            value={form.localPort}
            placeholder="same as the remote port"
            onValue={(v) => editSettings({ localPort: v })}
          />
          <TextField
            id="gateway-token"
            label="Gateway token"
            type="password"
            autoComplete="off"
            value={form.gatewayToken}
            placeholder={settings.hasGatewayToken ? 'saved (leave empty to keep)' : ''}
            onValue={(v) => editSettings({ gatewayToken: v })}
          />
          <TextField
            id="gateway-password"
            label="Gateway password"
            type="password"
            autoComplete="off"
            value={form.gatewayPassword}
            placeholder={settings.hasGatewayPassword ? 'saved (leave empty to keep)' : 'only if the gateway uses a password'}
            onValue={(v) => editSettings({ gatewayPassword: v })}
          />
          <div className="button-row">
            <button type="button" onClick={() => void testRemote()} disabled={testing}>
              Test remote
            </button>
          </div>
          <RemoteTestResults />
          {remoteActive ? <RemoteHelp /> : null}
        </fieldset>
      ) : null}

      <fieldset>
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t.value} className="radio">
            <input type="radio" name="theme" value={t.value} checked={form.theme === t.value} onChange={() => editSettings({ theme: t.value })} />
            {t.label}
          </label>
        ))}
      </fieldset>

      <div className="button-row">
        <button type="submit" className="primary" disabled={save.status === 'saving'}>
          Save
        </button>
        <span id="settings-save-status" role={save.status === 'error' ? 'alert' : undefined} className={`save-status save-${save.status}`}>
          {save.message}
        </span>
      </div>
    </form>
  );
}
