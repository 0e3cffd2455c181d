// Reads known_hosts files into numbered entries. Files are read as latin1 so every byte maps to one
// character: rewriting a file keeps the lines we do not touch byte for byte.
import { readFileSync } from 'node:fs';
import { parseKnownHostsLine, type KnownHostsEntry } from './known-hosts-line';

export interface NumberedEntry extends KnownHostsEntry {
  file: string;
  /** 1-based. */
  line: number;
}

/** Entries of one file; a missing or unreadable file has none (like OpenSSH, which only warns). */
export function readKnownHostsEntries(file: string): NumberedEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    return [];
  }
  const entries: NumberedEntry[] = [];
  text.split('\n').forEach((line, index) => {
    const entry = parseKnownHostsLine(line);
    if (entry) entries.push({ ...entry, file, line: index + 1 });
  });
  return entries;
}
