// The "before" contender of B1, B3 and B4: an older build of the server, run side by side with ours
// in the same benchmark, each on its own database. An older build cannot share ours: our migrations
// change the schema it expects (the attempt with one shared database gave 89 errors and 0
// lifecycles). So the older build migrates and seeds its own database with its own
// `main.js seed-volume`, at the same volume as ours.
//
// Chosen by one option (see README.md):
// - BENCH_BEFORE=<git rev>: the rev is checked out in a temporary worktree
//   (/tmp/ot-bench-before-<short rev>), installed offline and built there (once; reused while its
//   build stamp is there), and its database is ot_bench_before_<short rev> on the same server as
//   the benchmark database (BENCH_BEFORE_DATABASE_URL overrides it).
// - BENCH_BEFORE_DIST=<dir> with BENCH_BEFORE_DATABASE_URL=<url>: an older build already at hand
//   (a server/dist whose parent holds its node_modules) and its database.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_URL, ROOT, log } from './common.js';
import { ensureBenchDatabase } from './database.js';

const BUILD_STAMP = '.bench-before-built';

function git(args, cwd = ROOT) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function run(cmd, args, cwd) {
  log(`  ${path.basename(cwd)}$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** The benchmark database's URL with another database name. */
function databaseNamed(name) {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Checks out and builds `rev` in a worktree under /tmp, unless a finished build of it is there. Returns its server/dist. */
function buildRev(rev, shortRev) {
  const dir = path.join('/tmp', `ot-bench-before-${shortRev}`);
  const dist = path.join(dir, 'server/dist');
  const stamp = path.join(dir, BUILD_STAMP);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === rev && fs.existsSync(path.join(dist, 'main.js'))) {
    log(`before: build of ${shortRev} reused (${dir})`);
    return dist;
  }
  if (!fs.existsSync(dir)) {
    log(`before: checking out ${shortRev} into ${dir}`);
    git(['worktree', 'add', '--detach', dir, rev]);
  } else if (git(['rev-parse', 'HEAD'], dir) !== rev) {
    throw new Error(`${dir} exists but is not at ${rev}: remove it (git worktree remove --force ${dir}) and run again`);
  }
  // Offline: the store already holds what an older lockfile needs, and a benchmark fetches nothing.
  run('pnpm', ['install', '--frozen-lockfile', '--offline'], dir);
  run('pnpm', ['--filter', '@ot/shared', 'build'], dir);
  run('pnpm', ['--filter', 'server', 'build'], dir);
  fs.writeFileSync(stamp, `${rev}\n`);
  return dist;
}

/**
 * The before contender from the environment, built and its database seeded; null when none is asked
 * for. { label, rev, dist, databaseUrl }.
 */
export async function prepareBefore() {
  if (process.env.B4_BEFORE_DIST) {
    throw new Error(
      'B4_BEFORE_DIST ran the older build on our database, whose schema it does not know; use BENCH_BEFORE=<rev> or BENCH_BEFORE_DIST=<dir> with BENCH_BEFORE_DATABASE_URL=<url> (test/bench/README.md)',
    );
  }
  const revArg = process.env.BENCH_BEFORE;
  const distArg = process.env.BENCH_BEFORE_DIST;
  if (!revArg && !distArg) return null;
  if (revArg && distArg) throw new Error('BENCH_BEFORE and BENCH_BEFORE_DIST are two ways to name the same contender: give one');
  let before;
  if (revArg) {
    let rev;
    try {
      rev = git(['rev-parse', '--verify', `${revArg}^{commit}`]);
    } catch {
      throw new Error(`BENCH_BEFORE=${revArg} is not a commit of this repository`);
    }
    const shortRev = rev.slice(0, 7);
    const dist = buildRev(rev, shortRev);
    before = {
      label: `before ${shortRev}`,
      rev,
      dist,
      databaseUrl: process.env.BENCH_BEFORE_DATABASE_URL ?? databaseNamed(`ot_bench_before_${shortRev}`),
    };
  } else {
    const dist = path.resolve(distArg);
    if (!fs.existsSync(path.join(dist, 'main.js')))
      throw new Error(`BENCH_BEFORE_DIST=${distArg} holds no main.js (a server/dist is expected)`);
    if (!process.env.BENCH_BEFORE_DATABASE_URL) {
      throw new Error('BENCH_BEFORE_DIST needs BENCH_BEFORE_DATABASE_URL: the older build runs on its own database, never on ours');
    }
    before = { label: 'before', rev: null, dist, databaseUrl: process.env.BENCH_BEFORE_DATABASE_URL };
  }
  if (new URL(before.databaseUrl).pathname === new URL(DATABASE_URL).pathname) {
    throw new Error('the before contender needs a database of its own, not the benchmark database');
  }
  // Its own seed-volume migrates and seeds, as ours does for ours; the same volume thresholds.
  before.seed = await ensureBenchDatabase({ databaseUrl: before.databaseUrl, dist: before.dist, record: false });
  return before;
}
