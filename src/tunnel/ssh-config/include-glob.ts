// glob(3) for `Include`: `*`, `?` and `[...]` per path segment, hidden files only when asked for,
// results sorted like glob's default. Node 20 has no fs.glob.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const GLOB_CHARS = /[*?[]/;

export function globFiles(pattern: string): string[] {
  const absolute = path.resolve(pattern);
  const { root } = path.parse(absolute);
  const segments = absolute.slice(root.length).split(path.sep).filter((s) => s.length > 0);
  let candidates = [root];
  for (const segment of segments) {
    candidates = candidates.flatMap((dir) => expandSegment(dir, segment));
  }
  return candidates.filter(isFile).sort();
}

function expandSegment(dir: string, segment: string): string[] {
  if (!GLOB_CHARS.test(segment)) return [path.join(dir, segment)];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = segmentRegExp(segment);
  return names.filter((name) => re.test(name) && (!name.startsWith('.') || segment.startsWith('.'))).map((name) => path.join(dir, name));
}

function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] ?? '';
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[' && segment.indexOf(']', i + 2) > 0) {
      const end = segment.indexOf(']', i + 2);
      const body = segment.slice(i + 1, end);
      const negated = body.startsWith('!');
      source += `[${negated ? '^' : ''}${(negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
