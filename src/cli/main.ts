// clawdbot: the command-line entry point. Commands are loaded lazily so that `gateway health`
// never pays for loading the gateway or the SSH engine.

async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  if (command === 'gateway' && (sub === 'run' || sub === undefined || sub.startsWith('-'))) {
    const { runGatewayCommand } = await import('../gateway/run');
    return runGatewayCommand(argv.slice(sub === 'run' ? 2 : 1));
  }
  process.stderr.write(`clawdbot: unknown command ${argv.join(' ')}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
