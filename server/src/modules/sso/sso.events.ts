/** Events of single sign-on (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'sso_mapping.set': { claim: string; value: string; role: string | null; department: string | null };
    'sso_mapping.deleted': { claim: string; value: string };
    'user.sso_linked': { issuer: string; email: string; created: boolean };
  }
}
export {};
