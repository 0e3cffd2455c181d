// `clawdbot gateway run`: placeholder until the daemon lands.
export async function runGatewayCommand(_args: string[]): Promise<number> {
  process.stderr.write('gateway run: not implemented yet\n');
  return 1;
}
