// The app's state dir and `--profile NAME`, exactly as the CLI resolves them (src/config/paths.ts),
// for the Electron shell, which may import src/desktop but not src/config.

export { applyProfile, resolveStateDir } from '../config/paths';

/** The NAME of `--profile NAME` or `--profile=NAME`, if given. */
export function profileArgument(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--profile') return argv[i + 1] ?? '';
    if (arg.startsWith('--profile=')) return arg.slice('--profile='.length);
  }
  return null;
}
