// Who and where "local" is, for defaults and %d %u %i %l %L tokens. HOME comes from the caller's
// environment so tests never touch the real ~/.ssh.
import os from 'node:os';
import type { LocalIdentity } from './tokens';

export function localIdentity(env: NodeJS.ProcessEnv): LocalIdentity {
  const info = safeUserInfo();
  const hostFull = os.hostname();
  return {
    home: env.HOME || env.USERPROFILE || info?.homedir || os.homedir(),
    user: info?.username || env.USER || env.USERNAME || 'unknown',
    uid: String(info?.uid ?? -1),
    hostFull,
    hostShort: hostFull.split('.')[0] ?? hostFull,
  };
}

function safeUserInfo(): os.UserInfo<string> | undefined {
  try {
    return os.userInfo();
  } catch {
    // No passwd entry (some containers): fall back to the environment.
    return undefined;
  }
}
