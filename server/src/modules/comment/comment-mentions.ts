import type { EntityManager } from '@mikro-orm/postgresql';
import { Department } from '../identity/department.entity.js';
import { User } from '../identity/user.entity.js';
import type { CommentMentions } from './comment.events.js';

/** Whom a comment can name: active users (by name or e-mail) and active departments (by code, Chinese or English name). */
export interface MentionDirectory {
  users: readonly { id: string; name: string; email: string }[];
  departments: readonly { code: string; nameZh: string; nameEn: string }[];
}

type Target = { kind: 'user'; id: string; name: string } | { kind: 'department'; code: string };

const ASCII_WORD = /[A-Za-z0-9_]/;
/** A character that, before '@', makes it part of a word or an address ("x@example.com"), not a mention. */
const INSIDE_WORD = /[A-Za-z0-9._%+-]/;

export async function loadMentionDirectory(em: EntityManager): Promise<MentionDirectory> {
  const [users, departments] = await Promise.all([
    em.find(User, { active: true }, { fields: ['id', 'name', 'email'] }),
    em.find(Department, { active: true }),
  ]);
  return { users, departments };
}

/**
 * The users and departments a text mentions: '@' followed by a user's name or e-mail, or a
 * department's code, Chinese or English name, compared without case ("@财务部", "@Finance",
 * "@FINANCE"). Names may contain spaces, so the longest label that fits wins. Chinese has no
 * spaces between words ("@财务部请确认" names 财务部); a label ending in a Latin letter or digit
 * must end a word ("@Financeteam" names nobody).
 */
export function parseMentions(text: string, directory: MentionDirectory): CommentMentions {
  const labels: { label: string; target: Target }[] = [];
  for (const u of directory.users) {
    const target: Target = { kind: 'user', id: u.id, name: u.name };
    for (const label of [u.name, u.email]) if (label.trim()) labels.push({ label: label.toLowerCase(), target });
  }
  for (const d of directory.departments) {
    const target: Target = { kind: 'department', code: d.code };
    for (const label of [d.code, d.nameZh, d.nameEn]) if (label.trim()) labels.push({ label: label.toLowerCase(), target });
  }
  labels.sort((a, b) => b.label.length - a.label.length);

  const lower = text.toLowerCase();
  const users = new Map<string, string>();
  const departments = new Set<string>();
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && INSIDE_WORD.test(lower[at - 1]!)) continue;
    const rest = lower.slice(at + 1);
    // Every label of the longest length that fits (two people may share a name: both are meant).
    let length = 0;
    for (const { label, target } of labels) {
      if (label.length < length) break;
      if (!rest.startsWith(label)) continue;
      const next = rest[label.length];
      if (next !== undefined && ASCII_WORD.test(label[label.length - 1]!) && ASCII_WORD.test(next)) continue;
      length = label.length;
      if (target.kind === 'user') users.set(target.id, target.name);
      else departments.add(target.code);
    }
  }
  return {
    users: [...users].map(([userId, name]) => ({ userId, name })).sort((a, b) => a.userId.localeCompare(b.userId)),
    departments: [...departments].sort(),
  };
}

/** Who `after` mentions that `before` did not. */
export function mentionsAdded(before: CommentMentions, after: CommentMentions): CommentMentions {
  const users = new Set(before.users.map((u) => u.userId));
  const departments = new Set(before.departments);
  return {
    users: after.users.filter((u) => !users.has(u.userId)),
    departments: after.departments.filter((d) => !departments.has(d)),
  };
}

export function mentionCount(m: CommentMentions): number {
  return m.users.length + m.departments.length;
}
