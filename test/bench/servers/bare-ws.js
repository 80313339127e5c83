// B3 baseline: a bare graphql-ws server (same graphql-ws and ws packages as the API, no auth, no
// database) with the same subscription field and event type. POST /publish with an event as the
// JSON body publishes it to every subscriber of its departments. Env: PORT.
import fs from 'node:fs';
import http from 'node:http';
import { buildSchema, parse, print } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

// The event type is taken from the API's committed schema, so that both servers send the same events.
const apiSchema = parse(fs.readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
const eventType = apiSchema.definitions.find((d) => d.kind === 'ObjectTypeDefinition' && d.name.value === 'ApprovalBoardEvent');
const schema = buildSchema(`
  ${print(eventType)}
  type Query { ok: Boolean }
  type Subscription { approvalBoardChanged(department: String!): ApprovalBoardEvent! }
`);

/** One queue per subscriber; publish pushes to every queue whose department matches. */
const subscribers = new Set();
function subscribe(department) {
  const queue = [];
  let wake = null;
  const entry = { department, push: (event) => (wake ? (wake({ value: event, done: false }), (wake = null)) : queue.push(event)) };
  subscribers.add(entry);
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => (queue.length ? Promise.resolve({ value: queue.shift(), done: false }) : new Promise((resolve) => (wake = resolve))),
    return: () => {
      subscribers.delete(entry);
      wake?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}

const roots = {
  ok: () => true,
  approvalBoardChanged: {
    subscribe: (args) => subscribe(args.department),
    resolve: (event) => event,
  },
};
const schemaSubscription = schema.getSubscriptionType().getFields().approvalBoardChanged;
schemaSubscription.subscribe = (_root, args) => roots.approvalBoardChanged.subscribe(args);
schemaSubscription.resolve = (event) => event;
schema.getQueryType().getFields().ok.resolve = roots.ok;

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/publish') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    event.at = new Date().toISOString(); // stamped at publish, like the API's events
    let n = 0;
    for (const s of subscribers) {
      if (event.departments.includes(s.department)) {
        s.push(event);
        n += 1;
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ published: n }));
  });
});
const wsServer = new WebSocketServer({ server, path: '/graphql' });
useServer({ schema }, wsServer);
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  for (const c of wsServer.clients) c.terminate();
  server.close();
  process.exit(0);
});
