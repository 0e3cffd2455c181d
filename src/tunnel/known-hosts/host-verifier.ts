// The asynchronous hostVerifier for ssh2 (it passes the raw key blob when no hostHash is set).
// It runs before any credential is sent; a changed key is never accepted here.
import type { HostKeyPromptFn, HostKeyQuery, HostKeyVerdict, SshHop, StrictHostKeyChecking } from '../types';
import { checkHostKey } from './check-host-key';
import { hostKeyQuery } from './host-names';
import { addHostKey } from './known-hosts-writer';

export interface HostKeyReport {
  verdict: HostKeyVerdict;
  query: HostKeyQuery;
  hop: SshHop;
  accepted: boolean;
  /** The known_hosts file a newly trusted key was written to. */
  savedTo?: string;
  /** Why it could not be written (the key was still accepted, as OpenSSH does). */
  saveError?: string;
}

export interface HostVerifierOptions {
  resolvedHop: SshHop;
  /** Default: the hop's StrictHostKeyChecking. */
  policy?: StrictHostKeyChecking;
  prompt?: HostKeyPromptFn;
  /** Called once per key, before ssh2 is answered; a refused verdict is the connection's failure reason. */
  onVerdict?: (verdict: HostKeyVerdict, report: HostKeyReport) => void;
}

export type HostVerifier = (key: Buffer, verify: (ok: boolean) => void) => void;

/**
 * Policies for an unknown key: `yes` refuses, `accept-new` saves and accepts, `ask` prompts (no prompt
 * means refuse), `no` accepts without saving. `no` gives no protection against an attacker in the middle.
 */
export function createHostVerifier(options: HostVerifierOptions): HostVerifier {
  return (key, verify) => {
    let answered = false;
    const answer = (ok: boolean): void => {
      if (answered) return;
      answered = true;
      verify(ok);
    };
    decide(options, key).then(
      (report) => {
        try {
          options.onVerdict?.(report.verdict, report);
        } catch {
          // A failing listener must not change the answer to ssh2.
        }
        answer(report.accepted);
      },
      () => answer(false),
    );
  };
}

async function decide(options: HostVerifierOptions, key: Buffer): Promise<HostKeyReport> {
  const hop = options.resolvedHop;
  const policy = options.policy ?? hop.strictHostKeyChecking;
  const query = hostKeyQuery(hop);
  const verdict = checkHostKey([...hop.userKnownHostsFiles, ...hop.globalKnownHostsFiles], query, key);
  const refuse = (): HostKeyReport => ({ verdict, query, hop, accepted: false });
  switch (verdict.status) {
    case 'known':
      return { verdict, query, hop, accepted: true };
    case 'revoked':
      return refuse();
    case 'changed':
      // Shown so the UI can display both fingerprints; the answer cannot turn this into an accept.
      await ask(options.prompt, query, verdict, 'changed');
      return refuse();
    case 'unknown':
      if (policy === 'no') return { verdict, query, hop, accepted: true };
      if (policy === 'yes') return refuse();
      if (policy === 'ask' && !(await ask(options.prompt, query, verdict, 'unknown'))) return refuse();
      return { verdict, query, hop, accepted: true, ...(await save(hop, query, key)) };
  }
}

async function ask(prompt: HostKeyPromptFn | undefined, query: HostKeyQuery, verdict: HostKeyVerdict, kind: 'unknown' | 'changed'): Promise<boolean> {
  if (!prompt) return false;
  try {
    return (await prompt({
      host: query.host,
      port: query.port,
      keyType: verdict.keyType,
      fingerprint: verdict.fingerprint,
      kind,
      ...(verdict.status === 'changed' ? { previousFingerprints: verdict.knownFingerprints } : {}),
    })) === true;
  } catch {
    return false;
  }
}

/** OpenSSH writes to the first UserKnownHostsFile. */
async function save(hop: SshHop, query: HostKeyQuery, key: Buffer): Promise<Pick<HostKeyReport, 'savedTo' | 'saveError'>> {
  const file = hop.userKnownHostsFiles[0];
  if (file === undefined) return { saveError: 'no UserKnownHostsFile is configured' };
  try {
    await addHostKey(file, query, key, { hash: hop.hashKnownHosts ?? false });
    return { savedTo: file };
  } catch (err) {
    return { saveError: (err as Error).message };
  }
}
