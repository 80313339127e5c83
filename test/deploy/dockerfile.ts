/** One instruction of a Dockerfile: its keyword, flags such as `--from=build`, and the rest. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/**
 * A small Dockerfile reader for the checks in dockerfile-steps.spec.ts: comments and parser
 * directives skipped, `\` continuations joined, stages split at FROM. Heredocs and a changed escape
 * character are refused rather than misread (the Dockerfile promises not to use them).
 */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i]!.trim();
    if (logical === '' || logical.startsWith('#')) continue;
    while (logical.endsWith('\\')) {
      logical = logical.slice(0, -1);
      // Comment lines inside a continued instruction are dropped, as Docker does.
      do i++;
      while (i < lines.length && lines[i]!.trim().startsWith('#'));
      if (i >= lines.length) throw new Error(`line ${start + 1}: continuation at the end of the file`);
      logical += ` ${lines[i]!.trim()}`;
    }
    if (/<<-?\s*['"]?[A-Za-z]/.test(logical) && /^(RUN|COPY)\b/i.test(logical)) {
      throw new Error(`line ${start + 1}: heredocs are not supported here`);
    }
    const match = /^([A-Za-z]+)\s+(.*)$/.exec(logical);
    if (!match) throw new Error(`line ${start + 1}: not an instruction: ${logical}`);
    const keyword = match[1]!.toUpperCase();
    let args = match[2]!;
    const flags: Record<string, string> = {};
    for (let flag = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(args); flag; flag = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(args)) {
      flags[flag[1]!] = flag[2] ?? 'true';
      args = args.slice(flag[0].length);
    }
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`line ${start + 1}: FROM image [AS name]`);
      stages.push({ name: from[2] ?? String(stages.length), image: from[1]!, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`line ${start + 1}: ${keyword} before FROM`);
    stage.instructions.push({ keyword, flags, args, line: start + 1 });
  }
  return stages;
}

/** `ENV a=1 b="two words"` (and the old `ENV a 1`) as name → value. */
export function envAssignments(args: string): Record<string, string> {
  const single = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(args);
  if (single) return { [single[1]!]: single[2]!.trim() };
  const env: Record<string, string> = {};
  for (const [, name, quoted, plain] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/g)) env[name!] = quoted ?? plain ?? '';
  return env;
}

/** The words of a JSON-array form (`["a", "b"]`) or of a plain shell form split on blanks. */
export function words(args: string): string[] {
  return args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : args.trim().split(/\s+/);
}

/** One path segment of a .dockerignore pattern as a regular expression (`*` and `?` stay within it). */
function segmentSource(part: string): string {
  return part
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
}

/**
 * A .dockerignore as a test of build-context paths (relative, `/`-separated), with Docker's rules:
 * `**` spans any number of folders, a pattern that matches a folder excludes everything in it, a
 * leading `!` takes a path back in, and the last matching line wins.
 */
export function dockerignore(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const keep = line.startsWith('!');
      const parts = (keep ? line.slice(1) : line).replace(/^\/+|\/+$/g, '').split('/');
      const source = parts
        .map((part, i) => {
          const last = i === parts.length - 1;
          if (part === '**') return last ? '.*' : '(?:[^/]+/)*';
          return segmentSource(part) + (last ? '' : '/');
        })
        .join('');
      return { keep, re: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (file) => {
    let ignored = false;
    for (const { keep, re } of rules) if (re.test(file)) ignored = !keep;
    return ignored;
  };
}
