// The Control UI's answer to "unauthorized", or to a page opened without a token: paste the gateway
// token here, as an alternative to opening the tokenized URL again.
import { useState } from 'react';
import { TextField } from '../components/TextField';
import { useAppState } from '../store/store-context';
import { reconnectWithToken } from './open-control-ui';
import { isTokenNeeded, TOKEN_NEEDED } from './token-needed';

const REFUSED = 'The gateway refused this page. Paste its token (gateway.auth.token) to connect.';

export function TokenPrompt() {
  const needsToken = useAppState((s) => s.host === 'control-ui' && s.desktop?.phase === 'failed' && s.desktop.lastError?.errorClass === 'AuthFailed');
  const neverHadToken = useAppState((s) => isTokenNeeded(s.desktop?.lastError));
  const [token, setToken] = useState('');
  if (!needsToken) return null;
  return (
    <form
      className="token-prompt"
      aria-label="Gateway token"
      onSubmit={(event) => {
        event.preventDefault();
        if (token.trim()) reconnectWithToken(token);
      }}
    >
      <TextField id="control-ui-token" label="Gateway token" type="password" autoComplete="off" value={token} onValue={setToken} description={neverHadToken ? TOKEN_NEEDED.hint : REFUSED} />
      <button type="submit" className="primary" disabled={!token.trim()}>
        Connect
      </button>
    </form>
  );
}
