// The SSH host-key question. A new host offers its fingerprint to trust; a changed key is a warning
// whose default (focused) button is Reject. Escape rejects; Tab stays inside the dialog.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useActions, useAppState } from '../store/store-context';

export function HostKeyDialog() {
  const prompt = useAppState((s) => s.desktop?.hostKeyPrompt ?? null);
  const { answerHostKey } = useActions();
  const acceptRef = useRef<HTMLButtonElement>(null);
  const rejectRef = useRef<HTMLButtonElement>(null);
  const changed = prompt?.kind === 'changed';

  useEffect(() => {
    if (!prompt) return;
    const previous = document.activeElement as HTMLElement | null;
    (changed ? rejectRef : acceptRef).current?.focus();
    return () => previous?.focus?.();
  }, [prompt, changed]);

  if (!prompt) return null;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      void answerHostKey(false);
    } else if (event.key === 'Tab') {
      const order = [rejectRef.current, acceptRef.current];
      const i = order.indexOf(document.activeElement as HTMLButtonElement);
      event.preventDefault();
      order[(i + (event.shiftKey ? order.length - 1 : 1)) % order.length]?.focus();
    }
  };

  const where = prompt.port === 22 ? prompt.host : `${prompt.host}:${prompt.port}`;
  const title = changed ? `Warning: the host key for ${where} has changed` : `Trust the SSH host ${where}?`;
  const accept = (
    <button ref={acceptRef} type="button" className={changed ? 'danger' : 'primary'} onClick={() => void answerHostKey(true)}>
      Accept
    </button>
  );
  const reject = (
    <button ref={rejectRef} type="button" className={changed ? 'primary' : undefined} onClick={() => void answerHostKey(false)}>
      Reject
    </button>
  );

  return (
    <div className="dialog-backdrop">
      <div
        role={changed ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby="host-key-title"
        aria-describedby="host-key-description"
        className={`dialog${changed ? ' dialog-warning' : ''}`}
        onKeyDown={onKeyDown}
      >
        <h2 id="host-key-title">{title}</h2>
        <div id="host-key-description">
          {changed ? (
            <p>
              Someone could be intercepting the connection, or the server was reinstalled. Accept only if you know why the key
              changed; accepting replaces only this host&apos;s line in known_hosts.
            </p>
          ) : (
            <p>This host is not in known_hosts yet. Compare the fingerprint with the server&apos;s before you accept.</p>
          )}
          <dl className="fingerprints">
            {changed && prompt.previousFingerprint ? (
              <>
                <dt>Known key</dt>
                <dd>
                  <code>{prompt.previousFingerprint}</code>
                </dd>
              </>
            ) : null}
            <dt>{changed ? 'New key' : 'Fingerprint'} ({prompt.keyType})</dt>
            <dd>
              <code>{prompt.fingerprint}</code>
            </dd>
          </dl>
        </div>
        <div className="dialog-buttons">{reject}
          {accept}</div>
      </div>
    </div>
  );
}
