// Which process listens on a TCP port, read from /proc on Linux (the listening socket's inode in
// /proc/net/tcp{,6}, then the process holding it). Only to name an adopted gateway in the app's
// messages: undefined wherever /proc cannot tell (other systems, another user's process).

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

const TCP_LISTEN = '0A';

function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null; // gone meanwhile, or not ours to read
  }
}

/** The inodes of the sockets listening on the port (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = readOrNull(() => readFileSync(table, 'utf8').split('\n').slice(1)) ?? [];
    for (const row of rows) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (state !== TCP_LISTEN || !local || !inode) continue;
      if (Number.parseInt(local.split(':').pop() ?? '', 16) === port) inodes.add(inode);
    }
  }
  return inodes;
}

export function listeningPid(port: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const pids = readOrNull(() => readdirSync('/proc').filter((name) => /^\d+$/.test(name))) ?? [];
  for (const pid of pids) {
    for (const fd of readOrNull(() => readdirSync(`/proc/${pid}/fd`)) ?? []) {
      const inode = /^socket:\[(\d+)\]$/.exec(readOrNull(() => readlinkSync(`/proc/${pid}/fd/${fd}`)) ?? '')?.[1];
      if (inode && inodes.has(inode)) return Number(pid);
    }
  }
  return undefined;
}
