// Says when the gateway link is down (the draft is kept) and, for a moment, when it is back.
import { useAppState } from '../store/store-context';

export function ConnectionBanner() {
  const banner = useAppState((s) => s.banner);
  if (!banner) return null;
  return banner === 'down' ? (
    <div role="alert" className="banner banner-down">
      Connection to the gateway lost. Your draft is kept, and messages in flight will be sent when it is back.
    </div>
  ) : (
    <div role="alert" className="banner banner-back">
      Connection restored.
    </div>
  );
}
