// The desktop core's seams: what the Electron shell (src/main) and the browser twin (src/web) hand to
// the core, and what they get back. Electron-specific things (safeStorage, utilityProcess,
// electron-store) come in through these ports, so the core runs and is tested in plain Node.

import type { DesktopCallInput, DesktopCallName, DesktopCallResults, DesktopEventName, DesktopEventPayloads, DesktopState } from '../shared/desktop-api';

/** How a SecretStore keeps its secrets, in the user's words; the core warns from it when they are plain text. */
export interface SecretStorageDescription {
  /** False when the secrets are kept in plain text (Linux without a keyring, the browser twin's file). */
  encrypted: boolean;
  /** Where, as the end of "… are stored unencrypted ___": "on this machine", "in <file> (readable only by you)". */
  where: string;
  /** What the user can do about it, or why it is so (a full sentence). */
  advice?: string;
}

/** Secrets: the gateway token/password and key passphrases. */
export interface SecretStore {
  get(name: string): string | null;
  set(name: string, value: string | null): void;
  describe(): SecretStorageDescription;
}

/** Plain settings storage (electron-store in Electron, conf in Node; the same file). */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /** Removes a key (migrations drop old keys). */
  delete(key: string): void;
  readonly path: string;
}

export interface SpawnedGateway {
  readonly pid: number | undefined;
  onOutput(listener: (line: string, stream: 'stdout' | 'stderr') => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `clawdbot gateway run` (utilityProcess.fork in Electron, child_process elsewhere). */
export type GatewaySpawner = (args: string[], env: Record<string, string>) => SpawnedGateway;

export interface DesktopPorts {
  secrets: SecretStore;
  store: KeyValueStore;
  spawnGateway: GatewaySpawner;
  env?: Record<string, string | undefined>;
  now?: () => number;
}

/** What the shells hold: the one object the tray, the IPC handlers and the twin talk to. */
export interface DesktopCore {
  getState(): DesktopState;
  call<K extends DesktopCallName>(name: K, input: DesktopCallInput<K>): Promise<DesktopCallResults[K]>;
  on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEventPayloads[E]) => void): () => void;
  /** Wake, unlock or a network change: retry the tunnel and the health check at once. */
  kick(reason: 'resume' | 'unlock' | 'network' | 'user'): void;
  /** Stop what the app started (its gateway, its tunnel) and nothing else. */
  shutdown(): Promise<void>;
}
