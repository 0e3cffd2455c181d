// What the typed SSH target resolves to, under the field. The brain resolves the target from the SSH
// config alone; the identity file typed in the form is tried first (like `ssh -i`), so it is named here.
import type { SshTargetPreview as Preview } from '../../shared/desktop-api';
import { useAppState } from '../store/store-context';

export function describeSshPreview(preview: Preview, identityFile: string): string {
  if (!preview.ok) return preview.error ?? preview.description;
  const key = identityFile.trim();
  if (!key || !preview.user || !preview.host || !preview.port) return `Connects to ${preview.description}`;
  const host = preview.host.includes(':') ? `[${preview.host}]` : preview.host;
  const via = preview.proxyJump?.length ? ` via ${preview.proxyJump.join(', ')}` : '';
  return `Connects to ${preview.user}@${host}:${preview.port}${via} (key ${key})`;
}

export function SshTargetPreview() {
  const preview = useAppState((s) => s.sshPreview);
  const target = useAppState((s) => s.settingsForm?.target ?? '');
  const identityFile = useAppState((s) => s.settingsForm?.identityFile ?? '');
  if (!target.trim() || !preview) return null;
  return (
    <p id="ssh-target-preview" className={preview.ok ? 'preview' : 'preview preview-error'} aria-live="off">
      {describeSshPreview(preview, identityFile)}
    </p>
  );
}
