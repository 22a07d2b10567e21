/** Both backends of the incident store, for real: a SQLite file and a PostgreSQL server started for the test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentStore, StoredIncident } from './incident-store.js';
import { openIncidentStore } from './open-incident-store.js';
import { startPostgres, type PostgresServer } from './postgres.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetriage-incidents-'));
let postgres: PostgresServer;

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
});

function incident(id: string, status: StoredIncident['status'], at: string, mode = 'OOMKilled'): StoredIncident {
  return {
    id, status, openedAt: 't1', updatedAt: at, ...(status === 'resolved' ? { resolvedAt: at } : {}),
    report: { severity: 'critical', cause: { mode, category: 'memory-limit-too-low', subject: { kind: 'Pod', namespace: 'shop', name: `${id}-pod` } } },
  };
}

const backends: [string, () => Promise<IncidentStore>][] = [
  ['SQLite', () => openIncidentStore(join(dir, 'kubetriage.db'))],
  ['PostgreSQL', () => openIncidentStore(postgres.url)],
];

describe.each(backends)('the incident store on %s', (_name, open) => {
  it('gives back the open incidents after a restart, with their history, and not the resolved ones', async () => {
    const first = await open();
    await first.record([{ type: 'opened', incident: incident('inc-a', 'open', 't1') }, { type: 'opened', incident: incident('inc-b', 'open', 't1', 'ImagePull') }]);
    await first.record([{ type: 'updated', incident: incident('inc-a', 'open', 't2') }, { type: 'resolved', incident: incident('inc-b', 'resolved', 't2', 'ImagePull') }]);
    await first.close();
    const second = await open();
    const open_ = await second.openIncidents();
    expect(open_.map((i) => [i.id, i.status, i.updatedAt])).toEqual([['inc-a', 'open', 't2']]);
    expect(open_[0]!.report.cause.mode).toBe('OOMKilled');
    expect(await second.history('inc-b')).toEqual([{ type: 'opened', at: 't1' }, { type: 'resolved', at: 't2' }]);
    await second.close();
  });

  it('writes the changes of one analysis all or none', async () => {
    const store = await open();
    const broken = { ...incident('inc-c', 'open', 't3'), report: undefined } as unknown as StoredIncident;
    await expect(store.record([{ type: 'opened', incident: incident('inc-d', 'open', 't3') }, { type: 'opened', incident: broken }])).rejects.toThrow();
    expect((await store.openIncidents()).map((i) => i.id)).not.toContain('inc-d');
    await store.close();
  });
});
