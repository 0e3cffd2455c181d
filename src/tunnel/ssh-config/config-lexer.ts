// Splits ssh_config lines into a keyword and its arguments the way OpenSSH's readconf.c does:
// `Key value`, `Key=value`, double or single quotes, backslash escapes, `#` comments.

export interface ConfigLine {
  /** Lowercased keyword. */
  keyword: string;
  args: string[];
  /** 1-based line number in its file. */
  line: number;
}

export function lexConfig(text: string): ConfigLine[] {
  const out: ConfigLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const parsed = lexLine(raw);
    if (parsed) out.push({ ...parsed, line: index + 1 });
  });
  return out;
}

function lexLine(raw: string): { keyword: string; args: string[] } | undefined {
  const line = raw.replace(/\r$/, '').trim();
  if (line.length === 0 || line.startsWith('#')) return undefined;
  const match = /^([^\s=]+)\s*(?:=\s*)?(.*)$/.exec(line);
  if (!match) return undefined;
  return { keyword: (match[1] ?? '').toLowerCase(), args: splitArgs(match[2] ?? '') };
}

/** argv_split with comment termination: a `#` that starts an unquoted word ends the line. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length || text[i] === '#') break;
    let word = '';
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i] ?? '';
      if (quote === undefined && /\s/.test(c)) break;
      if (c === '\\' && quote !== "'" && i + 1 < text.length && /["'\\\s]/.test(text[i + 1] ?? '')) {
        word += text[++i];
      } else if (quote === undefined && (c === '"' || c === "'")) {
        quote = c;
      } else if (c === quote) {
        quote = undefined;
      } else {
        word += c;
      }
    }
    args.push(word);
  }
  return args;
}
