// The one live region screen readers follow: the gateway status in words (or that the page lost the app).
import { useAppState } from '../store/store-context';

export function StatusRegion() {
  const text = useAppState((s) => s.desktop?.statusText ?? 'Connecting to Clawdbot…');
  const phase = useAppState((s) => s.desktop?.phase ?? 'connecting');
  const appLinkDown = useAppState((s) => s.appLinkDown);
  return (
    <div role="status" aria-label="Gateway status" className={`status status-${appLinkDown ? 'failed' : phase}`}>
      {appLinkDown ? 'Disconnected from the Clawdbot app: reconnecting…' : text}
    </div>
  );
}
