// `clawdbot gateway probe`: not built yet.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('clawdbot: this command is not available yet\n');
  return 1;
}
