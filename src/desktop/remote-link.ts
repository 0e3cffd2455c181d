// What the controller needs from the SSH side in remote mode. remote-tunnel.ts implements it with the
// tunnel engine (src/tunnel); the controller depends only on this shape.

import type { Duplex } from 'node:stream';
import type { ErrorInfo } from '../shared/errors';
import type { HostKeyPrompt, RemoteInfo, SshTargetPreview, TestRemoteLayer } from '../shared/desktop-api';

export interface RemoteExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RemoteLinkEvents {
  /** Tunnel state for DesktopState.remote (attempt, next retry, forwards, fingerprint). */
  onInfo(info: RemoteInfo, error: ErrorInfo | null): void;
  /** Unknown host key under `ask`, or a changed key to warn about: resolves with the user's answer. */
  askHostKey(prompt: Omit<HostKeyPrompt, 'id'>): Promise<boolean>;
  log(level: 'info' | 'warn' | 'error', text: string): void;
}

export interface RemoteLinkOptions {
  target: string;
  identityFile: string;
  remotePort: number;
  localPort: number;
  hostKeyPolicy: 'ask' | 'accept-new' | 'yes';
  knownHostsFile: string;
  forwards: { name: string; localPort: number; remoteHost: string; remotePort: number }[];
  /** Start the remote gateway (detached) when nothing listens on its port. */
  startGatewayIfDown: boolean;
  retry: { initialMs: number; maxMs: number };
  env: Record<string, string | undefined>;
  /** The stored passphrase of identityFile, read when the key is asked for (a function, so it is never copied into options). */
  keyPassphrase: () => string | null;
}

/** A temporary loopback forward to the remote gateway port, opened by Test remote. */
export interface TestForward {
  url: string;
  close(): Promise<void>;
}

export interface RemoteLink {
  readonly localPort: number;
  /** Binds the local listener (the URL stays the same across reconnects) and starts connecting. */
  start(): Promise<void>;
  /** Retry now (wake, unlock, network change, Reconnect now). */
  kick(): void;
  stop(): Promise<void>;
  info(): RemoteInfo;
  /**
   * A stream to the remote gateway port over the SSH session, for the app's own gateway connection
   * (no local socket in between); waits a few seconds for a session that is coming back.
   */
  openStream(): Promise<Duplex>;
  /** Runs a command on the remote host over the same SSH session. */
  exec(command: string, timeoutMs?: number): Promise<RemoteExecResult>;
  /** The resolved SSH settings, for diagnostics (no secrets). */
  describe(): Record<string, unknown>;
}

export interface RemoteEngine {
  create(options: RemoteLinkOptions, events: RemoteLinkEvents): RemoteLink;
  /** What the target resolves to; an identity file (like `ssh -i`) is tried first and must be readable. */
  preview(target: string, env: Record<string, string | undefined>, identityFile?: string): Promise<SshTargetPreview>;
  /** The SSH layers of Test remote, in order, stopping at the first failure; on success, a forward for the gateway layers. */
  testSsh(options: RemoteLinkOptions, events: RemoteLinkEvents): Promise<{ layers: TestRemoteLayer[]; forward: TestForward | null }>;
}
