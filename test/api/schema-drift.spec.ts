import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emitSchemaSdl } from '../../server/src/app/app.js';

describe('schema/schema.graphql', () => {
  it('matches the schema the server builds (run `pnpm schema` after changing it)', async () => {
    const committed = fs.readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(await emitSchemaSdl());
  });
});
