// Load generator for B1, run as its own process: autocannon against one URL for a fixed time.
// argv[2]: JSON { url, body, headers, connections, durationSec, expectBody }. Prints one JSON line.
import autocannon from 'autocannon';

const config = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: config.url,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...config.headers },
  body: config.body,
  connections: config.connections,
  pipelining: 1,
  duration: config.durationSec,
  // Every response is compared with the reference body: a wrong or error answer counts as a mismatch.
  expectBody: config.expectBody,
});
const seconds = result.duration;
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches ?? 0,
    bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
  })}\n`,
);
