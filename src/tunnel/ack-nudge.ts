// sshd leaves Nagle's algorithm on for sessions without a terminal, which is every port forward: a small
// packet it sends while an earlier one is still unacknowledged waits for our ACK, and Linux delays a
// lone ACK by up to 40 ms when the receiver has nothing to send. Measured on loopback, that stalled the
// first channel open after login on about half of the connects (30 ms became 75 ms) and the first chat
// delta after each chat.send response (40 ms through ours and through `ssh -N -L` alike).
//
// So when the connection goes quiet after a read from the SSH server (nothing read and nothing written
// by us for a couple of milliseconds), an SSH_MSG_IGNORE goes out and carries the ACK (RFC 4253 §11.2:
// it may be sent at any time, and the peer must ignore it). A busy connection, a request/response
// exchange or a stream, never sees one: its own traffic carries the ACKs.

import type net from 'node:net';
import type { Client } from 'ssh2';

const NUDGE_AFTER_MS = 2;
/**
 * While reads keep coming (more than BUSY_READS in one wait), quiet is looked for this often: each
 * timer wakes the process, and at a 2 ms period that cost a busy ping-pong through the CLI tunnel
 * about a tenth more CPU. A few reads (a response and an event) are not busy: look again soon.
 */
const BUSY_RECHECK_MS = 20;
const BUSY_READS = 4;
const SSH_MSG_IGNORE = 2;

/** What we use of ssh2's (private, version-pinned) protocol object to send one packet. */
interface Ssh2Protocol {
  _kexinit: unknown;
  _packetRW: { write: { allocStart: number; alloc(payloadLength: number): Buffer; finalize(packet: Buffer): Buffer } };
  _cipher: { encrypt(packet: Buffer): void };
}

/**
 * A function that sends an empty SSH_MSG_IGNORE on the client's connection, or undefined when this
 * ssh2 is not laid out as expected (then nothing is nudged: only the 40 ms stalls come back).
 */
export function ignoreSender(client: Client): (() => void) | undefined {
  const protocol = (client as unknown as { _protocol?: Partial<Ssh2Protocol> })._protocol;
  const write = protocol?._packetRW?.write;
  if (!protocol || !write || typeof write.alloc !== 'function' || typeof write.finalize !== 'function' || typeof protocol._cipher?.encrypt !== 'function') return undefined;
  const p = protocol as Ssh2Protocol;
  return () => {
    if (p._kexinit !== undefined) return; // during a key exchange nothing but kex may go out
    const start = p._packetRW.write.allocStart;
    const packet = p._packetRW.write.alloc(1 + 4);
    packet[start] = SSH_MSG_IGNORE;
    packet.writeUInt32BE(0, start + 1); // string data: empty
    p._cipher.encrypt(p._packetRW.write.finalize(packet));
  };
}

/** Starts nudging on the SSH connection's socket (sendIgnore from ignoreSender); returns the stop function. */
export function startAckNudges(socket: net.Socket, sendIgnore: () => void, delayMs = NUDGE_AFTER_MS, busyRecheckMs = Math.max(delayMs, BUSY_RECHECK_MS)): () => void {
  let timer: NodeJS.Timeout | undefined;
  let reads = 0;
  let readsWhenArmed = 0;
  let writtenAtRead = 0;
  const arm = (ms: number): void => {
    readsWhenArmed = reads;
    timer = setTimeout(check, ms).unref();
  };
  function check(): void {
    timer = undefined;
    if (socket.destroyed || !socket.writable) return;
    if (reads !== readsWhenArmed) return arm(reads - readsWhenArmed > BUSY_READS ? busyRecheckMs : delayMs); // still receiving
    if (socket.bytesWritten === writtenAtRead) sendIgnore();
  }
  const onData = (): void => {
    reads++;
    writtenAtRead = socket.bytesWritten;
    if (!timer) arm(delayMs);
  };
  const stop = (): void => {
    socket.off('data', onData);
    clearTimeout(timer);
    timer = undefined;
  };
  socket.on('data', onData);
  socket.once('close', stop);
  return stop;
}
