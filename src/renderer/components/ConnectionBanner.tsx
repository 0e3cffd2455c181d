// Says when the connection is down (the draft is kept) and, for a moment, when it is back. The link
// that dropped is the gateway's, or in the browser twin the page's own link to the app.
import { useAppState } from '../store/store-context';

export function ConnectionBanner() {
  const banner = useAppState((s) => s.banner);
  const appLinkDown = useAppState((s) => s.appLinkDown);
  if (!banner) return null;
  return banner === 'down' ? (
    <div role="alert" className="banner banner-down">
      {appLinkDown ? 'Connection to the Clawdbot app lost.' : 'Connection to the gateway lost.'} Your draft is kept, and messages in flight
      will be sent when it is back.
    </div>
  ) : (
    <div role="alert" className="banner banner-back">
      Connection restored.
    </div>
  );
}
