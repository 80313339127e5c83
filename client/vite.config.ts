import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig, type Plugin } from 'vite';
import { compression } from 'vite-plugin-compression2';

// Where `vite dev` / `vite preview` send /graphql (HTTP and WebSocket).
const API = process.env.API_PROXY_TARGET ?? 'http://localhost:4000';

/**
 * Replaces each `graphql(`…`)` call with an import of a module holding just that document, taken
 * from the generated src/gql/graphql.ts. Otherwise every document of the app would be bundled
 * together (gql.ts maps them all; graphql.ts is one module), and into the initial chunk at that.
 * Lines stay where they were, so no source map is needed.
 */
function graphqlDocumentModules(): Plugin {
  const gqlDir = fileURLToPath(new URL('./src/gql/', import.meta.url));
  const generated = `${gqlDir}graphql.ts`;
  const PREFIX = 'virtual:gql-document/';
  const call = /\bgraphql\(\s*`([^`]*)`\s*\)/g;
  return {
    name: 'graphql-document-modules',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const name = id.slice(PREFIX.length + 1);
      this.addWatchFile(generated);
      const declaration = `export const ${name} = `;
      const line = readFileSync(generated, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(declaration));
      const end = line?.lastIndexOf(' as unknown as DocumentNode<') ?? -1;
      if (!line || end < 0) this.error(`${name} is not in src/gql/graphql.ts: run \`pnpm codegen\``);
      return `export default ${line.slice(declaration.length, end)};`;
    },
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!/\.(ts|vue)$/.test(file) || file.startsWith(gqlDir) || !code.includes('graphql(')) return null;
      const documents = new Set<string>();
      const out = code.replace(call, (match, source: string) => {
        const definition = /\b(query|mutation|subscription|fragment)\s+(\w+)/.exec(source);
        // Codegen pascal-cases names; these are the names it leaves unchanged.
        if (!definition || !/^(?:[A-Z][a-z0-9]+)+$/.test(definition[2]!)) {
          this.error(`${file}: name every GraphQL document in PascalCase (e.g. "query OrderList")`);
        }
        const name = definition[1] === 'fragment' ? `${definition[2]}FragmentDoc` : `${definition[2]}Document`;
        documents.add(name);
        return `__gql_${name}${'\n'.repeat(match.split('\n').length - 1)}`;
      });
      if (documents.size === 0) return null;
      // Import declarations are hoisted, so appending them keeps every original line in place.
      const imports = [...documents].map((name) => `import __gql_${name} from '${PREFIX}${name}';`).join('\n');
      return { code: `${out}\n${imports}\n`, map: null };
    },
  };
}

export default defineConfig(({ command }) => ({
  // Apollo Client strips its development checks and messages when __DEV__ is false.
  define: command === 'build' ? { 'globalThis.__DEV__': 'false' } : {},
  plugins: [
    vue(),
    graphqlDocumentModules(),
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: 'src/auto-imports.d.ts',
    }),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css', directives: true })],
      dirs: [],
      dts: 'src/components.d.ts',
    }),
    // Precompressed copies (.br, .gz) next to each asset: the server sends them without compressing per request.
    compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024, include: /\.(js|css|html|svg|json|ico|txt|map)$/ }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: true },
      // Attachments: uploads and downloads go to the API too.
      '/attachments': { target: API, changeOrigin: true },
      '/confirmations/attachments': { target: API, changeOrigin: true },
      // Single sign-on: the redirect to the identity provider and its callback.
      '/auth/oidc': { target: API, changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: true },
      // Attachments: uploads and downloads go to the API too.
      '/attachments': { target: API, changeOrigin: true },
      '/confirmations/attachments': { target: API, changeOrigin: true },
      // Single sign-on: the redirect to the identity provider and its callback.
      '/auth/oidc': { target: API, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // Rolldown names a shared chunk after its first module: for Element Plus, a `style/css` file.
        chunkFileNames: (chunk) => `assets/${chunk.name === 'css' ? 'element-plus' : '[name]'}-[hash].js`,
        codeSplitting: {
          groups: [
            // Framework code every page needs, in stable, long-cached chunks.
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 3 },
            {
              name: 'apollo',
              test: /node_modules[\\/](@apollo|graphql|graphql-ws|@wry|optimism|zen-observable.*|ts-invariant|tslib)[\\/]/,
              priority: 3,
            },
            // Charts only load with the pages that draw them.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/, priority: 2 },
            // Element Plus is left to automatic splitting: each page's chunk gets the components it uses.
          ],
        },
      },
    },
  },
}));
