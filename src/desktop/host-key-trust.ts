// Trusting a changed host key. The engine's verifier never accepts a changed key; it only shows it.
// When the user confirms the warning (Cancel is the UI's default), we rewrite only that host's line in
// the first known_hosts file, as OpenSSH users do by hand, and the caller retries the connection.

import type { HostKeyPrompt } from '../shared/desktop-api';
import { createHostVerifier, hostKeyQuery, replaceHostKey } from '../tunnel/known-hosts';
import type { HostVerifierFactory } from '../tunnel/hop-connect';
import type { HostKeyPromptFn } from '../tunnel/types';

/** The engine's prompt as DesktopState.hostKeyPrompt shows it (the core adds the id). */
export function toHostKeyPrompt(p: Parameters<HostKeyPromptFn>[0]): Omit<HostKeyPrompt, 'id'> {
  const previous = p.previousFingerprints?.[0];
  return { host: p.host, port: p.port, keyType: p.keyType, fingerprint: p.fingerprint, kind: p.kind, ...(previous ? { previousFingerprint: previous } : {}) };
}

export function trustingHostVerifier(onReplaced: () => void): HostVerifierFactory {
  return (options) => {
    let key: Buffer | undefined;
    const hop = options.resolvedHop;
    const prompt = options.prompt;
    const inner = createHostVerifier({
      resolvedHop: hop,
      policy: options.policy,
      ...(options.onVerdict ? { onVerdict: options.onVerdict } : {}),
      ...(prompt
        ? {
            prompt: async (p) => {
              const accepted = await prompt(p);
              const file = hop.userKnownHostsFiles[0];
              if (p.kind === 'changed' && accepted && key && file) {
                await replaceHostKey(file, hostKeyQuery(hop), key, { hash: hop.hashKnownHosts ?? false });
                onReplaced();
              }
              return accepted;
            },
          }
        : {}),
    });
    return (k, verify) => {
      key = k;
      inner(k, verify);
    };
  };
}
