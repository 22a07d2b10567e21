import { describe, expect, it } from 'vitest';
import { recordUpdate, serverSideApply } from './index.js';

const t0 = new Date('2025-03-01T10:00:00.500Z');
const t1 = new Date('2025-03-01T10:05:00Z');

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}
interface Obj {
  metadata: { labels?: Record<string, string>; managedFields?: Entry[] };
  spec: { replicas: number; template: { spec: { containers: Record<string, unknown>[] } } };
}

function config(replicas: number, labels: Record<string, string> = { app: 'checkout' }): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout', namespace: 'shop', labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' } },
        spec: { containers: [{ name: 'api', image: 'api:1', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

function entries(obj: object): Entry[] {
  return (obj as Obj).metadata.managedFields ?? [];
}

function entryOf(obj: object, manager: string): Entry | undefined {
  return entries(obj).find((e) => e.manager === manager);
}

describe('server-side apply: ownership and managedFields', () => {
  it('records the first apply as an Apply entry in the FieldsV1 format', () => {
    const { object, conflicts } = serverSideApply(undefined, config(2), 'kubectl', { force: false, now: t0 });
    expect(conflicts).toEqual([]);
    expect(entries(object)).toEqual([{
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2025-03-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"api"}': {
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { 'f:containerPort': {}, '.': {} } },
                  '.': {},
                },
              },
            },
          },
        },
      },
    }]);
    expect((object as Obj).spec.replicas).toBe(2);
  });

  it('removes a field the same manager applied before and omits now', () => {
    const first = serverSideApply(undefined, config(2, { app: 'checkout', tier: 'web' }), 'kubectl', { force: false, now: t0 });
    const second = serverSideApply(first.object, config(2), 'kubectl', { force: false, now: t1 });
    expect((second.object as Obj).metadata.labels).toEqual({ app: 'checkout' });
    expect(entryOf(second.object, 'kubectl')?.fieldsV1['f:metadata']).toEqual({ 'f:labels': { 'f:app': {} } });
    expect(entryOf(second.object, 'kubectl')?.time).toBe('2025-03-01T10:05:00Z');
  });

  it('keeps an omitted field another manager also owns', () => {
    const first = serverSideApply(undefined, config(2, { app: 'checkout', tier: 'web' }), 'kubectl', { force: false, now: t0 });
    const labelled = recordUpdate(first.object, {
      ...(first.object as object), metadata: { ...(first.object as Obj).metadata, labels: { app: 'checkout', tier: 'frontend' } },
    }, 'kubectl-label', 'Update', { now: t1 });
    const second = serverSideApply(labelled, config(2), 'kubectl', { force: false, now: t1 });
    expect((second.object as Obj).metadata.labels).toEqual({ app: 'checkout', tier: 'frontend' });
  });
});

describe('server-side apply: conflicts', () => {
  const created = recordUpdate(undefined, config(2), 'kubectl-client-side-apply', 'Update', { now: t0 });

  it('reports a field another manager owns with a different value, as the apiserver words it', () => {
    const result = serverSideApply(created, config(3), 'kubectl', { force: false, now: t1 });
    expect(result.conflicts).toEqual(['conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas']);
    expect(result.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    expect(result.causes).toEqual([{
      type: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas',
    }]);
    expect((result.object as Obj).spec.replicas).toBe(2);
  });

  it('shares ownership instead of conflicting when the applied value is the same', () => {
    const result = serverSideApply(created, config(2), 'kubectl', { force: false, now: t1 });
    expect(result.conflicts).toEqual([]);
    expect(entryOf(result.object, 'kubectl-client-side-apply')?.fieldsV1['f:spec']).toHaveProperty('f:replicas');
    expect(entryOf(result.object, 'kubectl')?.fieldsV1['f:spec']).toHaveProperty('f:replicas');
  });

  it('takes the field over with force', () => {
    const result = serverSideApply(created, config(3), 'kubectl', { force: true, now: t1 });
    expect(result.conflicts).toEqual([]);
    expect((result.object as Obj).spec.replicas).toBe(3);
    expect(entryOf(result.object, 'kubectl-client-side-apply')?.fieldsV1['f:spec']).not.toHaveProperty('f:replicas');
    expect(entries(result.object).map((e) => `${e.operation}:${e.manager}`)).toEqual(['Apply:kubectl', 'Update:kubectl-client-side-apply']);
  });

  it('names a field inside a keyed list element and groups several conflicts by manager', () => {
    const changed = config(4);
    const spec = changed.spec as Obj['spec'];
    spec.template.spec.containers = [{ name: 'api', image: 'api:2', ports: [{ containerPort: 8080 }] }];
    const result = serverSideApply(created, changed, 'kubectl', { force: false, now: t1 });
    expect(result.message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n'
      + '- .spec.replicas\n- .spec.template.spec.containers[name="api"].image');
  });

  it('makes an object that never had managedFields owned by before-first-apply', () => {
    const legacy = { ...config(2), metadata: { name: 'checkout', namespace: 'shop', labels: { app: 'checkout' } } };
    const result = serverSideApply(legacy, config(5), 'helm', { force: false, now: t1 });
    expect(result.conflicts).toEqual(['conflict with "before-first-apply" using apps/v1: .spec.replicas']);
  });
});

describe('server-side apply: invalid configurations', () => {
  it('refuses a keyed list element without its key, with the apiserver\'s message', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ image: 'nginx' }] } };
    expect(() => serverSideApply(undefined, pod, 'kubectl', { force: false, now: t0 })).toThrow(
      'failed to create typed patch object (/v1, Kind=Pod): .spec.containers: element 0: associative list with keys '
      + 'has an element that omits key field "name" (and doesn\'t have default value)');
  });
});

describe('recordUpdate', () => {
  it('records a create with "." on the nodes the create added', () => {
    const created = recordUpdate(undefined, config(2), 'kubectl-create', 'Update', { now: t0 });
    const [entry] = entries(created);
    expect(entry?.operation).toBe('Update');
    expect(entry?.fieldsV1['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:app': {} } });
    const spec = entry?.fieldsV1['f:spec'] as Record<string, Record<string, Record<string, unknown>>>;
    expect(spec['f:template']?.['f:spec']?.['f:containers']).toEqual({
      'k:{"name":"api"}': {
        '.': {}, 'f:image': {}, 'f:name': {},
        'f:ports': { '.': {}, 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
      },
    });
  });

  it('records a status write under the status subresource and never status for the main resource', () => {
    const created = recordUpdate(undefined, { ...config(2), status: { replicas: 2 } }, 'kubectl-create', 'Update', { now: t0 });
    expect(entryOf(created, 'kubectl-create')?.fieldsV1).not.toHaveProperty('f:status');
    const after = { ...(created as object), status: { replicas: 2, readyReplicas: 1 } };
    const updated = recordUpdate(created, after, 'kube-controller-manager', 'Update', { subresource: 'status', now: t1 });
    expect(entryOf(updated, 'kube-controller-manager')).toMatchObject({
      subresource: 'status', fieldsV1: { 'f:status': { 'f:readyReplicas': {} } },
    });
  });

  it('moves a changed field to the writer and leaves the time of an unchanged write alone', () => {
    const created = recordUpdate(undefined, config(2), 'kubectl-create', 'Update', { now: t0 });
    const scaled = recordUpdate(created, { ...(created as object), spec: { ...(created as Obj).spec, replicas: 6 } },
      'kubectl-scale', 'Update', { now: t1 });
    expect(entryOf(scaled, 'kubectl-scale')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entryOf(scaled, 'kubectl-create')?.fieldsV1['f:spec']).not.toHaveProperty('f:replicas');
    const noop = recordUpdate(scaled, scaled, 'kubectl-edit', 'Update', { now: t1 });
    expect(entryOf(noop, 'kubectl-edit')).toBeUndefined();
  });
});
