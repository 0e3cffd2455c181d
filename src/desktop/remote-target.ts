// Resolves the SSH target from the app's remote settings (identity file, known_hosts file and host-key
// policy override what ~/.ssh/config says, like `ssh -i … -o …` would).

import { resolveTarget } from '../tunnel/ssh-config';
import type { ResolvedTarget } from '../tunnel/types';
import type { RemoteLinkOptions } from './remote-link';

export function resolveRemoteTarget(options: Pick<RemoteLinkOptions, 'target' | 'identityFile' | 'knownHostsFile' | 'hostKeyPolicy' | 'env'>): Promise<ResolvedTarget> {
  return resolveTarget(options.target, {
    env: options.env as NodeJS.ProcessEnv,
    overrides: {
      ...(options.identityFile ? { identityFile: options.identityFile } : {}),
      ...(options.knownHostsFile ? { knownHostsFile: options.knownHostsFile } : {}),
      strictHostKeyChecking: options.hostKeyPolicy,
    },
  });
}
