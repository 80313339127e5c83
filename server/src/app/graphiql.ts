import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';

const require = createRequire(import.meta.url);

/** Files of the self-hosted GraphiQL (no CDN: the network may be closed). */
const ASSETS: Record<string, string> = {
  'react.js': path.join(path.dirname(require.resolve('react/package.json')), 'umd/react.production.min.js'),
  'react-dom.js': path.join(path.dirname(require.resolve('react-dom/package.json')), 'umd/react-dom.production.min.js'),
  'graphiql.js': path.join(path.dirname(require.resolve('graphiql/package.json')), 'graphiql.min.js'),
  'graphiql.css': path.join(path.dirname(require.resolve('graphiql/package.json')), 'graphiql.min.css'),
};

/** Starts GraphiQL with the SPA's bearer token when the user is signed in there; otherwise add {"Authorization": "Bearer <token or API key>"} in the headers tab. */
const INIT = `(function () {
  var headers = {};
  try {
    var session = JSON.parse(localStorage.getItem('ot.session') || 'null');
    if (session && session.token) headers.Authorization = 'Bearer ' + session.token;
  } catch (e) {}
  var fetcher = GraphiQL.createFetcher({ url: location.origin + '/graphql' });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: JSON.stringify(headers, null, 2),
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();`;

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GraphiQL · Order termination API</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css"><style>html,body,#graphiql{height:100%;margin:0}</style></head>
<body><div id="graphiql">Loading…</div>
<script src="/graphiql/assets/react.js"></script><script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script><script src="/graphiql/assets/init.js"></script></body></html>`;

/** GET /graphiql: an explorer for signed-in users and partner keys (the API itself enforces access). */
export function mountGraphiql(app: express.Express): void {
  app.get('/graphiql', (_req, res) => {
    res.type('text/html; charset=utf-8').send(PAGE);
  });
  app.get('/graphiql/assets/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  app.get(/^\/graphiql\/assets\/(react\.js|react-dom\.js|graphiql\.js|graphiql\.css)$/, (req, res) => {
    res.setHeader('cache-control', 'public, max-age=86400');
    // The files live under node_modules/.pnpm; the names are fixed above, never taken from the request.
    res.sendFile(ASSETS[req.params[0]!]!, { dotfiles: 'allow' });
  });
}
