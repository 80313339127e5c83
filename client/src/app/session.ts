import { mayTerminateInBulk, type Permission, type Role } from '@ot/shared';
import { computed, shallowRef } from 'vue';
import { getFragmentData, graphql, type FragmentType } from '@/gql';
import type { SessionUserFragment } from '@/gql/graphql';
import { currentLocale, setLocale } from './i18n';

/** What the app keeps about the signed-in user; queries that refresh it spread this fragment. */
export const SessionUser = graphql(`
  fragment SessionUser on User {
    id
    name
    email
    role
    permissions
    language
    department {
      code
      nameZh
      nameEn
    }
  }
`);

interface StoredSession {
  token: string;
  expiresAt: string;
  user: SessionUserFragment;
}

const STORAGE_KEY = 'ot.session';

function isStoredSession(value: unknown): value is StoredSession {
  const s = value as StoredSession | null;
  return (
    typeof s?.token === 'string' && typeof s.expiresAt === 'string' && typeof s.user?.name === 'string' && Array.isArray(s.user.permissions)
  );
}

function load(): StoredSession | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return isStoredSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

const state = shallowRef<StoredSession | null>(load());

function save(next: StoredSession | null): void {
  state.value = next;
  if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else localStorage.removeItem(STORAGE_KEY);
}

// Signing in or out in another tab applies here too.
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY) state.value = load();
});

export const currentUser = computed(() => state.value?.user ?? null);

/** The bearer token, or null when signed out or expired. */
export function getToken(): string | null {
  const s = state.value;
  return s && Date.parse(s.expiresAt) > Date.now() ? s.token : null;
}

export function isSignedIn(): boolean {
  return getToken() !== null;
}

export function startSession(token: string, expiresAt: string, user: FragmentType<typeof SessionUser>): void {
  save({ token, expiresAt, user: getFragmentData(SessionUser, user) });
  followUserLanguage();
}

/** Keeps name, department, permissions and language current (they may change on the server). */
export function updateSessionUser(user: FragmentType<typeof SessionUser>): void {
  if (state.value) save({ ...state.value, user: getFragmentData(SessionUser, user) });
  followUserLanguage();
}

/** The app speaks the signed-in user's language (User.language), wherever they sign in. */
function followUserLanguage(): void {
  const language = state.value?.user.language;
  if ((language === 'zh-CN' || language === 'en') && language !== currentLocale.value) void setLocale(language);
}

export function endSession(): void {
  save(null);
}

export function hasPermission(permission: Permission): boolean {
  return state.value?.user.permissions.includes(permission) ?? false;
}

/**
 * Whether the signed-in user acts for `department`: administrators act for every department, everyone
 * else for their own. Deciding approvals and completing follow-ups are scoped this way (as the server checks).
 */
/** Whether the signed-in user may start a bulk termination of a discontinued product (the shared roles table's rule). */
export function mayStartBulk(): boolean {
  const user = currentUser.value;
  return !!user && mayTerminateInBulk({ role: user.role as Role, departmentCode: user.department?.code });
}

export function actsForDepartment(department: string): boolean {
  const user = currentUser.value;
  return user?.role === 'ADMIN' || user?.department?.code === department;
}
