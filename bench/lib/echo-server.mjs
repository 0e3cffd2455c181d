// A WebSocket echo server in its own process (so the process measuring does not also serve):
//   node bench/lib/echo-server.mjs [host]   → prints "echo listening on PORT"
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: process.argv[2] ?? '127.0.0.1', port: 0, maxPayload: 16 * 1024 * 1024, perMessageDeflate: false });
wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
wss.on('listening', () => console.log(`echo listening on ${wss.address().port}`));
process.on('SIGTERM', () => process.exit(0));
