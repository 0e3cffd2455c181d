// OpenSSH's pattern language (match.c): `*` and `?` wildcards, comma lists, `!` negation.
// Shared by ssh_config (Host, Match) and known_hosts host fields, which use the same rules.

/** `*` matches any run of characters, `?` exactly one; everything else is literal and case-sensitive. */
export function matchPattern(text: string, pattern: string): boolean {
  // Iterative wildcard match with single-star backtracking: linear enough for config-sized inputs.
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export type PatternListResult = 'match' | 'negated' | 'none';

/**
 * A comma-separated list where `!pattern` vetoes: any negated hit wins over positive hits
 * (match_pattern_list). `lowercasePatterns` mirrors OpenSSH lowercasing patterns for host names.
 */
export function matchPatternList(text: string, list: string, lowercasePatterns = false): PatternListResult {
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    let pattern = negated ? raw.slice(1) : raw;
    if (lowercasePatterns) pattern = pattern.toLowerCase();
    if (pattern.length === 0) continue;
    if (matchPattern(text, pattern)) {
      if (negated) return 'negated';
      matched = true;
    }
  }
  return matched ? 'match' : 'none';
}

export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern);
}
