// ssh2 is loaded on first use: the CLI bundle keeps it external (its native addons load relative to its
// own files), and commands or desktop code that never open an SSH session never pay for it.

import type * as Ssh2 from 'ssh2';

export type Ssh2Module = typeof Ssh2;

let loading: Promise<Ssh2Module> | undefined;

export function loadSsh2(): Promise<Ssh2Module> {
  // ssh2 is CommonJS: under ESM its exports arrive as `default`.
  loading ??= import('ssh2').then((m) => ((m as { default?: Ssh2Module }).default ?? m) as Ssh2Module);
  return loading;
}
