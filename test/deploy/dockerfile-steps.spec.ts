import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { freePort } from '../../server/src/app/database.js';
import { cloneTemplateDatabase } from '../harness/database.js';
import { TEST_SECRETS_KEY } from '../harness/server.js';
import { dockerignore, envAssignments, parseDockerfile, words, type Instruction, type Stage } from './dockerfile.js';

/**
 * No container engine runs on our machines, so CI does what `docker build -f deploy/Dockerfile .`
 * would, as a script: the build context (the repository's tracked and new files, less what git and
 * the Dockerfile's .dockerignore leave out) is copied aside, and the build stage runs in a fresh
 * folder, step by step: each COPY brings its files from the context, each RUN runs there in turn
 * (a failing step fails the test). The runtime stage's `COPY --from=build` lines then assemble the
 * image's /app, and that layout must hold only production dependencies and must serve: its CMD
 * starts against a real database and its HEALTHCHECK passes. Slow (a full install and build): one test.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stages = parseDockerfile(fs.readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8'));

/** The environment RUN steps get: the Dockerfile's ENV on a bare shell's, the package store preferred to the network. */
function baseEnv(): Record<string, string> {
  const pass = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];
  return Object.fromEntries(pass.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]!]));
}

/**
 * The build context: the repository's files (tracked and new, not git-ignored) less what
 * deploy/Dockerfile.dockerignore leaves out, copied to `target`.
 */
function copyContext(target: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const ignored = dockerignore(fs.readFileSync(path.join(root, 'deploy/Dockerfile.dockerignore'), 'utf8'));
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const source = path.join(root, file);
    if (ignored(file) || !fs.existsSync(source)) continue; // left out of the context, or deleted in the work tree
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(source, path.join(target, file));
  }
}

function fail(step: Instruction, message: string): never {
  throw new Error(`deploy/Dockerfile line ${step.line} (${step.keyword} ${step.args}): ${message}`);
}

/**
 * Runs a build stage: its first WORKDIR stands for the empty folder `dir`, each COPY brings files
 * from the build context `context` into it, then the RUN steps run there, in order — so a step
 * that needs a file copied only later fails here as it would in `docker build`. Anything this
 * script cannot reproduce faithfully is refused rather than skipped.
 */
function runBuildStage(stage: Stage, context: string, dir: string): { workdir: string; env: Record<string, string> } {
  const env: Record<string, string> = { ...baseEnv(), npm_config_prefer_offline: 'true' };
  let workdir: string | undefined;
  let cwd = dir;
  fs.mkdirSync(dir, { recursive: true });
  for (const step of stage.instructions) {
    switch (step.keyword) {
      case 'ENV':
        Object.assign(env, envAssignments(step.args));
        break;
      case 'WORKDIR':
        if (!workdir) {
          if (!path.isAbsolute(step.args)) fail(step, 'the first WORKDIR must be absolute');
          workdir = step.args;
        }
        cwd = path.join(dir, path.relative(workdir, path.resolve(workdir, step.args)));
        if (cwd !== dir && !cwd.startsWith(`${dir}${path.sep}`)) fail(step, 'WORKDIR outside the first one is not reproduced');
        fs.mkdirSync(cwd, { recursive: true });
        break;
      case 'COPY': {
        const parts = words(step.args);
        const dest = parts.pop()!;
        if (step.flags.from || !workdir) fail(step, 'only COPY <context files> <dest> after the first WORKDIR is reproduced');
        if (parts.some((source) => /[*?[]/.test(source))) fail(step, 'wildcards in COPY sources are not reproduced');
        const target = path.resolve(cwd, dest);
        // Several sources, or a destination ending in `/` or `.`, name a folder; otherwise one file's new name.
        const intoFolder = parts.length > 1 || /(^|\/)\.?$/.test(dest);
        for (const source of parts) {
          const from = path.join(context, source);
          if (!fs.existsSync(from)) fail(step, `${source} is not in the build context`);
          const to = intoFolder && !fs.statSync(from).isDirectory() ? path.join(target, path.basename(source)) : target;
          fs.cpSync(from, to, { recursive: true });
        }
        break;
      }
      case 'RUN': {
        const result = spawnSync('/bin/sh', ['-c', step.args], {
          cwd,
          env,
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
          timeout: 30 * 60_000, // a build on a busy 2-core machine takes minutes; a hung step still ends
        });
        if (result.status !== 0)
          fail(step, `exited ${result.status ?? result.signal}:\n${`${result.stdout}\n${result.stderr}`.slice(-4000)}`);
        break;
      }
      case 'ARG':
        break;
      default:
        fail(step, 'not reproduced by this script');
    }
  }
  if (!workdir) throw new Error(`stage ${stage.name} has no WORKDIR`);
  return { workdir, env };
}

interface Runtime {
  dir: string;
  env: Record<string, string>;
  user: string;
  expose: string[];
  cmd: string[];
  healthcheck: string[];
}

/** The runtime stage's /app, assembled from its COPY --from lines; its other RUN steps (apt-get, mkdir /data) are the image's own. */
function assembleRuntime(stage: Stage, built: Map<string, { workdir: string; dir: string }>, dir: string): Runtime {
  const runtime: Runtime = { dir, env: {}, user: 'root', expose: [], cmd: [], healthcheck: [] };
  let workdir = '/';
  for (const step of stage.instructions) {
    if (step.keyword === 'ENV') Object.assign(runtime.env, envAssignments(step.args));
    else if (step.keyword === 'WORKDIR') workdir = path.resolve(workdir, step.args);
    else if (step.keyword === 'USER') runtime.user = step.args.trim();
    else if (step.keyword === 'EXPOSE') runtime.expose.push(...words(step.args));
    else if (step.keyword === 'CMD') runtime.cmd = words(step.args);
    else if (step.keyword === 'HEALTHCHECK') runtime.healthcheck = words(step.args.replace(/^CMD\s+/, ''));
    else if (step.keyword === 'COPY') {
      const from = built.get(step.flags.from ?? '');
      if (!from) fail(step, 'the runtime stage takes files from an earlier stage only');
      const [source, dest] = words(step.args) as [string, string];
      const relative = path.relative(from.workdir, source);
      if (relative.startsWith('..') || path.isAbsolute(relative)) fail(step, `${source} is outside the build stage's WORKDIR`);
      const target = path.resolve(workdir, dest);
      if (path.relative('/app', target).startsWith('..')) fail(step, 'the runtime files must go under /app');
      const sourcePath = path.join(from.dir, relative);
      if (!fs.existsSync(sourcePath)) fail(step, `the build stage made no ${source}`);
      fs.cpSync(sourcePath, path.join(dir, path.relative('/app', target)), { recursive: true, verbatimSymlinks: true });
    }
  }
  return runtime;
}

/** Package folders pnpm installed under node_modules/.pnpm, by package name. */
function installedPackages(nodeModules: string): Set<string> {
  // Entries are `name@version[_peers…]`, scoped ones `@scope+name@version…`.
  const names = fs
    .readdirSync(path.join(nodeModules, '.pnpm'))
    .map((entry) => /^(@[^+]+\+[^@]+|[^@]+)@/.exec(entry)?.[1]?.replace('+', '/'));
  return new Set(names.filter((name): name is string => !!name));
}

async function waitFor(url: string, output: () => string, child: { exitCode: number | null }): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the image's CMD exited (${child.exitCode}):\n${output()}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`${url} not ready in 90 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it(
  'deploy/Dockerfile: the build steps succeed in a fresh folder and the runtime layout serves with production dependencies only',
  { timeout: 45 * 60_000 },
  async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-dockerfile-'));
    const database = await cloneTemplateDatabase('dockerfile');
    try {
      const context = path.join(work, 'context');
      copyContext(context);
      const build = stages.find((s) => s.name === 'build')!;
      const runtimeStage = stages.at(-1)!;
      expect(build.image).toMatch(/^node:20(\.\d+)*-[a-z]+-slim$/);
      expect(runtimeStage.image).toBe(build.image);

      const buildDir = path.join(work, 'build');
      const { workdir } = runBuildStage(build, context, buildDir);
      const runtime = assembleRuntime(runtimeStage, new Map([['build', { workdir, dir: buildDir }]]), path.join(work, 'image-app'));

      // The image: non-root, production, the port it exposes is the one it listens on.
      expect(runtime.user).not.toMatch(/^(root|0)$/);
      expect(runtime.env.NODE_ENV).toBe('production');
      expect(runtime.expose).toEqual([runtime.env.PORT]);
      expect(runtime.cmd).toEqual(['node', 'server/dist/main.js', 'start']);
      expect(fs.existsSync(path.join(runtime.dir, 'server/dist/main.js'))).toBe(true);
      expect(fs.existsSync(path.join(runtime.dir, 'client/dist/index.html'))).toBe(true);

      // Production dependencies only: the server's own are exactly its dependencies (no devDependency),
      // and no build or test tool came in (typescript may: graphile-worker's cosmiconfig asks for it).
      const serverPackage = JSON.parse(fs.readFileSync(path.join(buildDir, 'server/package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      const nodeModules = path.join(runtime.dir, 'server/node_modules');
      const topLevel = fs
        .readdirSync(nodeModules)
        .filter((name) => !name.startsWith('.'))
        .flatMap((name) =>
          name.startsWith('@') ? fs.readdirSync(path.join(nodeModules, name)).map((inner) => `${name}/${inner}`) : [name],
        );
      expect(topLevel.sort()).toEqual(Object.keys(serverPackage.dependencies).sort());
      expect(fs.existsSync(path.join(nodeModules, '@ot/shared/dist/index.js'))).toBe(true);
      const installed = installedPackages(nodeModules);
      expect(installed.has('express')).toBe(true);
      // playwright-core is not among them: the server renders dossier PDFs with it (and the system Chromium).
      expect(installed.has('playwright-core')).toBe(true);
      const tools = ['vitest', 'vite', 'tsx', 'smtp-server', 'oidc-provider', 'eslint', 'prettier', '@types/express'];
      expect(tools.filter((name) => installed.has(name))).toEqual([]);

      // The runtime layout serves: the image's CMD against a real database (DATA_DIR moved off /data).
      const port = String(await freePort());
      const env = {
        ...baseEnv(),
        ...runtime.env,
        PORT: port,
        HOST: '127.0.0.1',
        DATA_DIR: path.join(work, 'data'),
        DATABASE_URL: database.url,
        SMTP_URL: 'smtp://127.0.0.1:2525',
        SECRETS_KEY: TEST_SECRETS_KEY,
        RUN_WORKER: '0',
        LOG_LEVEL: 'warn',
      };
      const [command, ...args] = runtime.cmd as [string, ...string[]];
      const child = spawn(command === 'node' ? process.execPath : command, args, {
        cwd: runtime.dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        await waitFor(`http://127.0.0.1:${port}/readyz`, () => output, child);
        const page = await fetch(`http://127.0.0.1:${port}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\//);
        const [probe, ...probeArgs] = runtime.healthcheck as [string, ...string[]];
        const health = spawnSync(probe === 'node' ? process.execPath : probe, probeArgs, { env, encoding: 'utf8', timeout: 10_000 });
        expect({ status: health.status, stderr: health.stderr }).toEqual({ status: 0, stderr: '' });
      } finally {
        if (child.exitCode === null) child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    } finally {
      await database.drop();
      // A cleanup hiccup (a tree of this size) must not hide the test's own result.
      try {
        fs.rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
      } catch (error) {
        console.warn(`could not remove ${work}: ${String(error)}`);
      }
    }
  },
);

it('a failing build step, a step run before the files it needs are copied, or a COPY of a file the context lacks, fails the check', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-dockerfile-fail-'));
  const context = path.join(work, 'context');
  const run = (dockerfile: string, dir: string) => () => runBuildStage(parseDockerfile(dockerfile)[0]!, context, path.join(work, dir));
  try {
    fs.mkdirSync(path.join(context, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(context, 'present.txt'), 'x');
    fs.writeFileSync(path.join(context, 'sub/later.txt'), 'y');
    const head = 'FROM node:20.19-bookworm-slim AS build\nWORKDIR /app\n';
    expect(run(`${head}COPY present.txt ./\nRUN test -f present.txt \\\n  && exit 3\n`, 'a')).toThrow(
      /line 4 \(RUN test -f present.txt {2}&& exit 3\): exited 3/,
    );
    // Only what earlier COPY lines brought is there: sub/later.txt arrives after the step that reads it.
    expect(run(`${head}COPY present.txt ./\nRUN cat sub/later.txt\nCOPY . .\n`, 'b')).toThrow(
      /line 4 \(RUN cat sub\/later.txt\): exited 1/,
    );
    expect(run(`${head}COPY present.txt ./\nCOPY . .\nRUN cat sub/later.txt present.txt\n`, 'c')).not.toThrow();
    expect(fs.readFileSync(path.join(work, 'c/sub/later.txt'), 'utf8')).toBe('y');
    expect(run(`${head}COPY absent.txt ./\n`, 'd')).toThrow(/absent.txt is not in the build context/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

it('the build context leaves out what deploy/Dockerfile.dockerignore names, as Docker reads it', () => {
  const ignored = dockerignore(fs.readFileSync(path.join(root, 'deploy/Dockerfile.dockerignore'), 'utf8'));
  for (const file of ['node_modules/x/index.js', 'server/node_modules/pg/package.json', 'client/dist/index.html', '.git/HEAD'])
    expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: true });
  for (const file of ['server/src/main.ts', 'pnpm-lock.yaml', 'deploy/Dockerfile', 'server/src/distance.ts', 'deploy/.env.example'])
    expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: false });
  // Docker's rules beyond the file's own lines: one segment per `*`, exceptions, the last match wins.
  const rules = dockerignore('# comment\n/docs/*.md\n!docs/KEEP.md\nlogs\n');
  expect(['docs/a.md', 'docs/KEEP.md', 'docs/sub/a.md', 'logs/today.txt', 'src/logs'].map(rules)).toEqual([
    true,
    false,
    false,
    true,
    false,
  ]);
});
