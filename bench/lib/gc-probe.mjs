// Preloaded into the soak's gateway (NODE_OPTIONS=--import): on SIGUSR2 it runs a full garbage
// collection and prints the heap in use, so memory is compared at the same point of the GC cycle.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
let probes = 0;
process.on('SIGUSR2', () => {
  gc();
  process.stderr.write(`gc-probe ${++probes} heapUsed ${process.memoryUsage().heapUsed}\n`);
});
