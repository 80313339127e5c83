// Gzip sizes of what the browser loads: the initial JS (the entry chunk and everything it imports
// statically) and each lazily loaded chunk (a route) with its static imports not already loaded
// initially. Reads dist/.vite/manifest.json (build.manifest). Fails when a budget is exceeded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const KiB = 1024;
const BUDGET = { initial: 150 * KiB, route: 300 * KiB };

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
/** @type {Record<string, { file: string, src?: string, name?: string, isEntry?: boolean, isDynamicEntry?: boolean, imports?: string[] }>} */
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

/** The chunk and, transitively, every chunk it imports statically. */
function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) staticClosure(imported, seen);
  return seen;
}

const gzipCache = new Map();
function sizes(keys) {
  let raw = 0;
  let gzip = 0;
  for (const key of keys) {
    const file = manifest[key].file;
    if (!gzipCache.has(file)) {
      const content = readFileSync(join(dist, file));
      gzipCache.set(file, { raw: content.length, gzip: gzipSync(content, { level: 9 }).length });
    }
    raw += gzipCache.get(file).raw;
    gzip += gzipCache.get(file).gzip;
  }
  return { raw, gzip };
}

const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry);
if (entries.length === 0) throw new Error('No entry chunk in the manifest; is build.manifest on?');
const initial = new Set(entries.flatMap((key) => [...staticClosure(key)]));

const rows = [{ name: 'initial (entry + static imports)', keys: [...initial], budget: BUDGET.initial }];
for (const key of Object.keys(manifest)
  .filter((k) => manifest[k].isDynamicEntry)
  .sort()) {
  const own = [...staticClosure(key)].filter((k) => !initial.has(k));
  rows.push({ name: `lazy ${manifest[key].src ?? key}`, keys: own, budget: BUDGET.route });
}

const kib = (bytes) => `${(bytes / KiB).toFixed(1)} KiB`;
const table = rows.map((row) => {
  const { raw, gzip } = sizes(row.keys);
  return { chunk: row.name, files: row.keys.length, raw: kib(raw), gzip: kib(gzip), budget: kib(row.budget), ok: gzip <= row.budget };
});

const columns = ['chunk', 'files', 'raw', 'gzip', 'budget'];
const widths = columns.map((c) => Math.max(c.length, ...table.map((r) => String(r[c]).length)));
const line = (values) => values.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i]))).join('  ');
console.log(`\nJS bundle sizes (gzip -9)\n${line(columns)}`);
for (const row of table) console.log(`${line(columns.map((c) => row[c]))}${row.ok ? '' : '  OVER BUDGET'}`);

const over = table.filter((row) => !row.ok);
if (over.length > 0) {
  console.error(`\n${over.length} chunk(s) over budget: ${over.map((r) => r.chunk).join(', ')}`);
  process.exit(1);
}
console.log('\nAll within budget.');
