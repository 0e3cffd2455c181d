// Turns what ssh2 and node:net throw (err.level, err.code, messages) into a ClawdbotError with the
// class the supervisor acts on (retry or stop) and the one sentence the user needs.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClawdbotError } from '../shared/errors';
import type { HostKeyVerdict } from './types';

/** Where the failing hop is, for messages ("alice@box:22", "jump1 → box:22"). */
export interface FailureContext {
  user: string;
  host: string;
  port: number;
  /** The host key verdict of the failing hop, if its verifier ran. */
  verdict?: HostKeyVerdict;
  /** Keepalive settings, to say how long the host was silent. */
  keepaliveMs?: number;
  /** The name the host key is filed under (`[host]:port`, or the HostKeyAlias); default from host and port. */
  knownHostsName?: string;
  /** HOME, to tell the default ~/.ssh/known_hosts from other files (default: the user's home). */
  home?: string;
  /** Encrypted identity files that were not offered because no working passphrase was given. */
  encryptedKeysSkipped?: string[];
}

type Ssh2Error = Error & { level?: string; code?: string | number; reason?: number };

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What OpenSSH itself suggests for a changed key: `ssh-keygen -R NAME`, with -f for a file other than ~/.ssh/known_hosts. */
function removeHostKeyCommand(ctx: FailureContext, file: string): string {
  const name = ctx.knownHostsName ?? (ctx.port === 22 ? ctx.host : `[${ctx.host}]:${ctx.port}`);
  const defaultFile = join(ctx.home ?? homedir(), '.ssh', 'known_hosts');
  return `ssh-keygen -R ${shellWord(name)}${resolve(file) === resolve(defaultFile) ? '' : ` -f ${shellWord(file)}`}`;
}

function hostKeyError(verdict: HostKeyVerdict, ctx: FailureContext): ClawdbotError {
  const where = `${ctx.host}:${ctx.port}`;
  const details = { host: ctx.host, port: ctx.port, keyType: verdict.keyType, fingerprint: verdict.fingerprint };
  switch (verdict.status) {
    case 'changed':
      return new ClawdbotError(
        'HostKeyChanged',
        `The host key for ${where} changed: it is now ${verdict.keyType} ${verdict.fingerprint}, known_hosts has ${verdict.knownFingerprints.join(', ')} (${verdict.file}:${verdict.line}).`,
        `If the server was reinstalled, check the new fingerprint with its owner, then remove the old key with \`${removeHostKeyCommand(ctx, verdict.file)}\` and connect again; otherwise someone may be intercepting the connection.`,
        { details: { ...details, knownFingerprints: verdict.knownFingerprints, file: verdict.file, line: verdict.line } },
      );
    case 'revoked':
      return new ClawdbotError(
        'HostKeyRevoked',
        `The host key of ${where} (${verdict.keyType} ${verdict.fingerprint}) is marked @revoked in ${verdict.file}:${verdict.line}.`,
        'This key must not be trusted; ask the server owner for a new host key.',
        { details: { ...details, file: verdict.file, line: verdict.line } },
      );
    default:
      return new ClawdbotError(
        'HostKeyUnknown',
        `The host key of ${where} is not known (${verdict.keyType} ${verdict.fingerprint}) and was not accepted.`,
        'Check the fingerprint with the server owner, then accept it (or run `ssh` once to add it to known_hosts).',
        { details },
      );
  }
}

/** Classifies an error from DNS, TCP or ssh2 for the hop described by ctx. */
export function classifySshError(err: unknown, ctx: FailureContext): ClawdbotError {
  if (err instanceof ClawdbotError) return err;
  const e = (err instanceof Error ? err : new Error(String(err))) as Ssh2Error;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const where = `${ctx.host}:${ctx.port}`;
  const opts = { cause: err };

  if (e.level === 'client-dns' || (code && DNS_CODES.has(code))) {
    return new ClawdbotError('DnsFailed', `Cannot resolve the host name "${ctx.host}".`, 'Check the host name (HostName in ~/.ssh/config) and that this machine is online.', opts);
  }
  if (code === 'ECONNREFUSED') {
    return new ClawdbotError('TcpFailed', `${where} refused the connection.`, `Check that sshd runs on ${ctx.host} and listens on port ${ctx.port}.`, opts);
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return new ClawdbotError('TcpFailed', `${where} is unreachable (${code}).`, 'Check the network connection (Wi-Fi, VPN) to the host.', opts);
  }
  if (code === 'ETIMEDOUT' || /connect timed out/i.test(e.message)) {
    return new ClawdbotError('TcpFailed', `No answer from ${where}.`, 'The host is offline or a firewall drops the connection; the tunnel keeps retrying.', opts);
  }
  if (e.level === 'client-timeout') {
    if (/keepalive/i.test(e.message)) {
      const silent = ctx.keepaliveMs ? ` for ${Math.round(ctx.keepaliveMs / 1000)} s` : '';
      return new ClawdbotError('SshTimeout', `${where} stopped answering${silent}.`, 'The network path to the host is down; the tunnel reconnects when it comes back.', opts);
    }
    return new ClawdbotError('SshTimeout', `The SSH handshake with ${where} timed out.`, 'The host or the network is very slow, or something between drops SSH traffic.', opts);
  }
  if (e.level === 'client-authentication') {
    const [encrypted] = ctx.encryptedKeysSkipped ?? [];
    return new ClawdbotError(
      'SshAuthFailed',
      `${ctx.user}@${where} refused every key offered (permission denied).`,
      encrypted
        ? `The key ${encrypted} is encrypted and was not unlocked: add it to ssh-agent (\`ssh-add ${shellWord(encrypted)}\`), then try again.`
        : 'Check the user name and key: load the key into ssh-agent, set IdentityFile in ~/.ssh/config, or pass --identity.',
      opts,
    );
  }
  if (e.level === 'handshake') {
    if (/host denied/i.test(e.message)) {
      if (ctx.verdict) return hostKeyError(ctx.verdict, ctx);
      return new ClawdbotError('HostKeyUnknown', `The host key of ${where} was not accepted.`, 'Check the host key with the server owner.', opts);
    }
    return new ClawdbotError('SshConfig', `SSH negotiation with ${where} failed: ${e.message}.`, 'The server and this client share no algorithm; check the server\'s sshd_config.', opts);
  }
  if (e.level === 'protocol' && /identification/i.test(e.message)) {
    return new ClawdbotError('SshConfig', `${where} is not an SSH server.`, `Check the port: ${ctx.port} answers, but not with SSH.`, opts);
  }
  if ((code && RESET_CODES.has(code)) || e.level === 'client-socket' || e.level === 'protocol' || typeof e.code === 'number') {
    return new ClawdbotError('SshReset', `The SSH connection to ${where} was closed (${e.message}).`, 'The connection was reset; the tunnel reconnects.', opts);
  }
  return new ClawdbotError('SshReset', `The SSH connection to ${where} failed: ${e.message}.`, 'The tunnel reconnects.', opts);
}

/**
 * A forwardOut (direct-tcpip) failure: nothing listens at the destination, or the server forbids it.
 * For a ProxyJump hop the destination is the next SSH server, so a refusal there is a TCP failure.
 */
export function classifyChannelError(err: unknown, dest: { host: string; port: number }, hopName: string, purpose: 'forward' | 'jump'): ClawdbotError {
  if (err instanceof ClawdbotError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  // ssh2 says "(SSH) Channel open failure: <the server's description, often empty>".
  const detail = raw.replace(/^\(SSH\) Channel open failure:\s*/, '') || 'connect failed';
  const reason = err instanceof Error ? (err as Ssh2Error).reason : undefined;
  const where = `${dest.host}:${dest.port}`;
  const opts = { cause: err };
  if (reason === 1 || /prohibited/i.test(detail)) { // SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
    return new ClawdbotError('SshConfig', `${hopName} does not allow forwarding to ${where} (${detail}).`, 'Set AllowTcpForwarding yes (and PermitOpen) in the server\'s sshd_config.', opts);
  }
  if (/not connected|no response from server/i.test(detail)) {
    return new ClawdbotError('SshReset', `The SSH session to ${hopName} is gone.`, 'The tunnel reconnects.', opts);
  }
  if (/resolve|not known/i.test(detail)) {
    return new ClawdbotError('DnsFailed', `${hopName} cannot resolve ${dest.host} (${detail}).`, 'Check the host name of the next hop.', opts);
  }
  if (purpose === 'jump') {
    return new ClawdbotError('TcpFailed', `${hopName} cannot connect to ${where} (${detail}).`, `Check that sshd runs on ${dest.host} port ${dest.port} and that ${hopName} can reach it.`, opts);
  }
  return new ClawdbotError('RemoteGatewayDown', `Nothing accepts connections at ${where} on ${hopName} (${detail}).`, `Start the gateway on the remote host (clawdbot gateway run --port ${dest.port}) or check the remote port.`, opts);
}
