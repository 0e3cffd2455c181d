// What the typed SSH target resolves to, under the field: the brain's description (it resolves the target
// with the form's identity file, like `ssh -i`), or why it cannot be used.
import { useAppState } from '../store/store-context';

export function SshTargetPreview() {
  const preview = useAppState((s) => s.sshPreview);
  const target = useAppState((s) => s.settingsForm?.target ?? '');
  if (!target.trim() || !preview) return null;
  return (
    <p id="ssh-target-preview" className={preview.ok ? 'preview' : 'preview preview-error'} aria-live="off">
      {preview.ok ? `Connects to ${preview.description}` : (preview.error ?? preview.description)}
    </p>
  );
}
