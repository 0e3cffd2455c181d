// A plain TCP relay in its own Node.js process, no SSH and no crypto: the floor of any Node.js process
// that forwards a loopback connection, for scale next to `ssh -N -L` and `clawdbot tunnel`.
//   node bench/lib/tcp-relay.mjs TARGET_PORT   → prints "relay listening on PORT"
import net from 'node:net';

const targetPort = Number(process.argv[2]);
const server = net.createServer({ noDelay: true }, (local) => {
  const remote = net.connect({ port: targetPort, host: '127.0.0.1', noDelay: true });
  local.pipe(remote).pipe(local);
  const close = () => (local.destroy(), remote.destroy());
  local.on('error', close).on('close', close);
  remote.on('error', close).on('close', close);
});
server.listen(0, '127.0.0.1', () => console.log(`relay listening on ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
