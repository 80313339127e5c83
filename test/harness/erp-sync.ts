import { expect } from 'vitest';
import type { TestServer } from './server.js';
import { startWorkflowServer } from './workflow-server.js';
import type { Workflow } from './workflow.js';

/** syncRecords with every outcome field, for specs of the ERP sync. */
export const SYNC_DOCUMENT = `mutation($input: SyncRecordsInput!) { syncRecords(input: $input) {
  __typename ... on ErrorResult { code message } ... on InputError { field }
  ... on SyncRecordsSuccess { applied replayed created updated unchanged stale rejected
    rows { kind index externalId outcome errors { path code message } } } } }`;

export interface SyncRow {
  kind: string;
  index: number;
  externalId: string;
  outcome: string;
  errors: { path: string; code: string; message: string }[];
}

export interface SyncResult {
  __typename: string;
  code?: string;
  message?: string;
  field?: string;
  applied: boolean;
  replayed: boolean;
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  rejected: number;
  rows: SyncRow[];
}

/** A syncRecords caller for one source and credential; a GraphQL error fails the test. */
export function syncer(server: () => TestServer, source: string, token: () => string) {
  return async (input: Record<string, unknown>, as = token()): Promise<SyncResult> => {
    const res = await server().gql<{ syncRecords: SyncResult }>(SYNC_DOCUMENT, { input: { source, ...input } }, as);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!.syncRecords;
  };
}

/** The outcome of one record of a call. */
export function rowOf(result: SyncResult, kind: string, externalId: string): SyncRow {
  const found = result.rows.find((r) => r.kind === kind && r.externalId === externalId);
  if (!found) throw new Error(`no row ${kind} ${externalId} in ${JSON.stringify(result.rows)}`);
  return found;
}

/** A row's errors as `path:CODE`, for compact expectations. */
export const errorsOf = (row: SyncRow) => row.errors.map((e) => `${e.path}:${e.code}`);

/**
 * One change to one record for a spec's "newer UPDATED, same UNCHANGED, older STALE" round: the
 * syncRecords field, the record's external id, the properties changed, and — when it is not the
 * one changed value as text — what the database then holds and the statement that reads it.
 */
export type ChangeRow = [field: string, externalId: string, patch: Record<string, unknown>, expected?: string, select?: string];

export interface KindChange {
  field: string;
  /** The SyncRecordKind of the field (salesOrders: SALES_ORDER). */
  kind: string;
  externalId: string;
  change: (record: Record<string, unknown>) => void;
  /** Reads the changed value as `v`: by default the changed property's column of the kind's table, for this source. */
  select: string;
  expected: string;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function kindChanges(source: string, rows: ChangeRow[]): KindChange[] {
  return rows.map(([field, externalId, patch, expected, select]) => {
    const table = snake(field.replace(/s$/, ''));
    const [column, value] = Object.entries(patch)[0]!;
    return {
      field,
      kind: table.toUpperCase(),
      externalId,
      change: (record) => Object.assign(record, patch),
      select: select ?? `select ${snake(column)}::text as v from ${table} where source = '${source}' and external_id = '${externalId}'`,
      expected: expected ?? String(value),
    };
  });
}

/** A workflow server (errors-only log) and a partner key with scope ERP_SYNC, made by the admin: its secret. */
export async function startSyncServer(keyName: string): Promise<{ server: TestServer; wf: Workflow; erpKey: string }> {
  const { server, wf } = await startWorkflowServer({ env: { LOG_LEVEL: 'error' } });
  const data = await wf.as<{ createApiKey: { __typename: string; secret: string } }>(
    'admin@example.com',
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { __typename ... on CreateApiKeySuccess { secret } } }`,
    { i: { name: keyName, scopes: ['ERP_SYNC'] } },
  );
  expect(data.createApiKey.__typename).toBe('CreateApiKeySuccess');
  return { server, wf, erpKey: data.createApiKey.secret };
}
