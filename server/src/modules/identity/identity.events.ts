/** Events of users and API keys (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'user.created': { email: string; role: string; department: string | null };
    'user.updated': { before: { role: string; department: string | null; active: boolean }; passwordReset: boolean };
    'user.password_changed': Record<string, never>;
    'api_key.created': { name: string; prefix: string; scopes: string[]; department?: string | null };
    'api_key.revoked': { prefix: string };
  }
}
export {};
