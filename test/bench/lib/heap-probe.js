// Preloaded into B6's API (`node --expose-gc --import …/heap-probe.js`): on SIGUSR2 it runs a
// full garbage collection and appends the live heap (MiB) to HEAP_PROBE_FILE. RSS alone cannot
// tell a leak from a heap V8 has not yet collected; what survives a full collection can. Nothing
// runs until the benchmark asks (after each round), so the measured calls are not slowed.
import fs from 'node:fs';

const file = process.env.HEAP_PROBE_FILE;
if (file && typeof globalThis.gc === 'function') {
  process.on('SIGUSR2', () => {
    globalThis.gc();
    const { heapUsed } = process.memoryUsage();
    fs.appendFileSync(file, `${Math.round((heapUsed / 1048576) * 10) / 10}\n`);
  });
}
