// logs.tail (spec §9.1): the tail of the gateway's own JSONL log, or what was appended since a cursor.

import { open, stat } from 'node:fs/promises';
import { s } from '../../shared/protocol/schema';
import type { GatewayContext } from '../context';
import { parseParams } from './params';
import type { MethodTable } from './types';

const SCHEMA = s.object({ cursor: s.integer(0), limit: s.integer(1, 5000), maxBytes: s.integer(1, 1_000_000) });

export interface TailResult {
  file: string;
  cursor: number;
  size: number;
  lines: string[];
  truncated: boolean;
  reset: boolean;
}

export async function tailFile(file: string, opts: { cursor?: number; limit: number; maxBytes: number }): Promise<TailResult> {
  let size = 0;
  try {
    size = (await stat(file)).size;
  } catch {
    return { file, cursor: 0, size: 0, lines: [], truncated: false, reset: opts.cursor !== undefined && opts.cursor > 0 };
  }
  let reset = false;
  let start: number;
  if (opts.cursor === undefined) start = Math.max(0, size - opts.maxBytes);
  else if (opts.cursor > size || size - opts.cursor > opts.maxBytes) {
    reset = true;
    start = Math.max(0, size - opts.maxBytes);
  } else start = opts.cursor;
  const length = size - start;
  const buf = Buffer.alloc(length);
  if (length > 0) {
    const fh = await open(file, 'r');
    try {
      await fh.read(buf, 0, length, start);
    } finally {
      await fh.close();
    }
  }
  let text = buf.toString('utf8');
  // `truncated`: older bytes were cut off by maxBytes. Starting mid-file, the first line is partial.
  const truncated = start > 0 && (opts.cursor === undefined || reset);
  if (truncated) {
    const nl = text.indexOf('\n');
    text = nl === -1 ? '' : text.slice(nl + 1);
  }
  const lines = text
    .split('\n')
    .filter((l) => l.length > 0)
    .slice(-opts.limit);
  return { file, cursor: size, size, lines, truncated, reset };
}

export const logMethods: MethodTable<GatewayContext> = {
  'logs.tail': async (call) => {
    const p = parseParams<{ cursor?: number; limit?: number; maxBytes?: number }>(call, SCHEMA);
    if (!p) return;
    call.respond.ok(await tailFile(call.services.log.currentFile(), { cursor: p.cursor, limit: p.limit ?? 500, maxBytes: p.maxBytes ?? 250_000 }));
  },
};
