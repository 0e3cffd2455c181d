// An error as the user needs it: what happened, then the one sentence on what to do.
import type { ErrorInfo } from '../../shared/errors';

export function ErrorNotice({ error, label }: { error: ErrorInfo; label?: string }) {
  return (
    <div role="alert" className="error-notice" aria-label={label}>
      <p className="error-message">{error.message}</p>
      {error.hint ? <p className="error-hint">{error.hint}</p> : null}
    </div>
  );
}
