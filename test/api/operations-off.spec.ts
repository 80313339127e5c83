import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductionServer, type ProductionServer } from '../harness/production-server.js';

/**
 * Metrics and traces are off unless asked for: without METRICS_PORT the process opens no port
 * besides its own, and without OTEL_EXPORTER_OTLP_ENDPOINT no tracing SDK runs, so no log line
 * names a trace. (metrics.spec.ts and otel-traces.spec.ts show them on.)
 */
let server: ProductionServer;
beforeAll(async () => {
  server = await startProductionServer();
}, 180_000);
afterAll(async () => server?.close());

/** TCP ports a process listens on (Linux): its socket inodes among the kernel's listening sockets. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set(
    fs
      .readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined; // closed meanwhile
        }
      })
      .filter((inode): inode is string => !!inode),
  );
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, the inode is the tenth field.
      if (fields[3] === '0A' && inodes.has(fields[9]!)) ports.add(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

describe('with neither METRICS_PORT nor OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('the process listens on its own port only', () => {
    expect(listeningPorts(server.child.pid!)).toEqual([Number(new URL(server.url).port)]);
    expect(server.output()).not.toContain('metrics at /metrics');
  });

  it('no log line carries a trace id', async () => {
    // A refused operation is logged with its request id; with tracing on it would name its trace too.
    const refused = await server.gql(`query { terminations(first: 1) { totalCount } }`);
    expect(refused.errors?.length).toBeGreaterThan(0);
    const lines = () =>
      server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const deadline = Date.now() + 10_000;
    while (!lines().some((l) => l.requestId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(lines().filter((l) => l.requestId).length).toBeGreaterThan(0);
    expect(lines().filter((l) => 'trace_id' in l || 'span_id' in l)).toEqual([]);
  });
});
