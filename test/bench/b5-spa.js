// B5 — the SPA: gzip sizes of the initial route (entry chunk + its static imports) and of each lazily
// loaded route chunk (with the static imports it adds), against the budget 150 / 300 KiB. Same
// computation as client/scripts/bundle-sizes.js, from client/dist/.vite/manifest.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, log, round } from './lib/common.js';

const KiB = 1024;
const BUDGET = { initial: 150 * KiB, route: 300 * KiB };

export function bundleSizes(dist) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));
  const closure = (key, seen = new Set()) => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) closure(imported, seen);
    return seen;
  };
  const cache = new Map();
  const gzip = (keys) =>
    keys.reduce((sum, key) => {
      const file = manifest[key].file;
      if (!cache.has(file)) cache.set(file, gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length);
      return sum + cache.get(file);
    }, 0);
  const entries = Object.keys(manifest).filter((k) => manifest[k].isEntry);
  const initial = new Set(entries.flatMap((k) => [...closure(k)]));
  const routes = Object.keys(manifest)
    .filter((k) => manifest[k].isDynamicEntry)
    .sort()
    .map((k) => {
      const own = [...closure(k)].filter((x) => !initial.has(x));
      return { chunk: manifest[k].src ?? k, files: own.length, gzipKiB: round(gzip(own) / KiB, 1) };
    });
  return { initial: { files: initial.size, gzipKiB: round(gzip([...initial]) / KiB, 1) }, routes };
}

export async function runB5({ build }) {
  const dist = path.join(ROOT, 'client/dist');
  let buildNote = 'existing client/dist';
  if (build) {
    log('B5: building the SPA (pnpm --filter client build)');
    const started = Date.now();
    try {
      execFileSync('pnpm', ['--filter', 'client', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      buildNote = 'built now';
    } catch (error) {
      // bundle-sizes.js exits 1 when over budget; the build itself may still have succeeded.
      const manifest = path.join(dist, '.vite/manifest.json');
      if (!fs.existsSync(manifest) || fs.statSync(manifest).mtimeMs < started)
        throw new Error(`client build failed:\n${String(error.stdout ?? '')}${String(error.stderr ?? '')}`.slice(-3000));
      buildNote = 'built now (bundle-sizes.js reported a chunk over budget)';
    }
  }
  const sizes = bundleSizes(dist);
  const largest = sizes.routes.reduce((a, b) => (b.gzipKiB > (a?.gzipKiB ?? -1) ? b : a), null);
  log(
    `B5: initial ${sizes.initial.gzipKiB} KiB gzip; ${sizes.routes.length} route chunks, largest ${largest?.chunk} ${largest?.gzipKiB} KiB`,
  );
  for (const r of sizes.routes) log(`  ${r.chunk}: ${r.gzipKiB} KiB (${r.files} files)`);
  const overBudget = sizes.routes.filter((r) => r.gzipKiB * KiB > BUDGET.route);
  return {
    name: 'B5 SPA bundle',
    buildNote,
    budgetKiB: { initial: 150, route: 300 },
    ...sizes,
    rows: [
      {
        bench: 'B5',
        metric: 'initial route JS, gzip KiB',
        ours: `${sizes.initial.gzipKiB}`,
        peer: 'budget 150',
        ratio: { ratio: (sizes.initial.gzipKiB * KiB) / BUDGET.initial },
        target: '≤ 150 KiB',
        met: sizes.initial.gzipKiB * KiB <= BUDGET.initial,
      },
      {
        bench: 'B5',
        metric: `largest route chunk, gzip KiB (${largest ? path.basename(largest.chunk) : '—'}; ${sizes.routes.length} routes)`,
        ours: `${largest?.gzipKiB ?? 0}`,
        peer: 'budget 300',
        ratio: { ratio: ((largest?.gzipKiB ?? 0) * KiB) / BUDGET.route },
        target: `≤ 300 KiB each (${overBudget.length} over)`,
        met: overBudget.length === 0,
      },
    ],
  };
}
