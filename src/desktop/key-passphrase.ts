// Answers the tunnel's passphrase callback with the stored key passphrase, and explains a login that
// failed because of it. With an identity file in Settings the passphrase is that key's; without one it
// unlocks whichever encrypted key the SSH config offers (~/.ssh/id_ed25519 and the like; unlocking is
// local, nothing is sent). It is offered once per key and login: a second ask means it was wrong, and
// asking again would only repeat the same wrong answer.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ErrorInfo } from '../shared/errors';
import type { AuthCallbacks, PassphraseRequest } from '../tunnel/auth-sources';

type Problem = { path: string; kind: 'missing' | 'wrong' };

function absolute(path: string, env: Record<string, string | undefined>): string {
  const home = env.HOME || homedir();
  if (path === '~') return home;
  return resolve(path.startsWith('~/') ? join(home, path.slice(2)) : path);
}

export class KeyPassphraseAnswer {
  /** The last encrypted key this login could not unlock, and why. */
  private problem: Problem | null = null;

  constructor(
    private readonly identityFile: string,
    private readonly env: Record<string, string | undefined>,
    private readonly read: () => string | null,
  ) {}

  readonly callbacks: AuthCallbacks = { passphrase: async (request) => this.answer(request) };

  private answer(request: PassphraseRequest): string | null {
    if (this.identityFile && absolute(request.path, this.env) !== absolute(this.identityFile, this.env)) return null;
    if (request.attempt > 1) {
      this.problem = { path: request.path, kind: 'wrong' };
      return null;
    }
    const passphrase = this.read();
    this.problem = passphrase ? null : { path: request.path, kind: 'missing' };
    return passphrase;
  }

  /** A refused login caused by the configured key gets the hint that says what to do in the app. */
  explain(error: ErrorInfo): ErrorInfo {
    if (error.errorClass !== 'SshAuthFailed' || !this.problem) return error;
    const { path, kind } = this.problem;
    const hint = kind === 'wrong'
      ? `The passphrase for ${path} is wrong: enter it again in Settings (Key passphrase).`
      : `The key ${path} is encrypted: enter its passphrase in Settings (Key passphrase), or load it into ssh-agent.`;
    return { ...error, hint };
  }
}
