import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource, type ResourceInfo } from '../resources.js';
import { ObjectStore, type WatchSink } from './object-store.js';
import { StatusError } from './status-error.js';

const r = (name: string): ResourceInfo => lookupResource(name)!;
const pods = r('pods');
const cms = r('configmaps');
const deployments = r('deployments');
const replicasets = r('replicasets');
const namespaces = r('namespaces');

let store: ObjectStore;
beforeEach(() => { store = new ObjectStore({ namespaceSyncMs: 5, historySize: 50 }); });
afterEach(() => store.close());

function pod(name: string, extra: Record<string, unknown> = {}, namespace = 'default'): Record<string, unknown> {
  return { metadata: { name, namespace, ...(extra['metadata'] as object | undefined) }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...(extra['spec'] as object | undefined) } };
}

function deployment(name: string, replicas = 1): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
  };
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

/** Records what a watch delivers. */
function recorder(): WatchSink & { events: string[]; errors: StatusError[] } {
  const events: string[] = [];
  const errors: StatusError[] = [];
  return {
    events, errors,
    event: (type, obj) => events.push(`${type} ${obj.metadata.name}`),
    bookmark: (obj) => events.push(`BOOKMARK ${obj.metadata.resourceVersion ?? ''}`),
    error: (err) => errors.push(err),
  };
}

describe('create', () => {
  it('starts with the four namespaces of a new cluster', () => {
    expect(store.list(namespaces).items.map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('assigns uid, a growing resourceVersion, creationTimestamp and, for workloads, generation 1', () => {
    const a = store.create(cms, { metadata: { name: 'a', namespace: 'default' } });
    const b = store.create(deployments, deployment('b'));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.metadata.generation).toBeUndefined();
    expect(b.metadata.generation).toBe(1);
    expect(store.resourceVersion()).toBe(b.metadata.resourceVersion);
    expect(b.status).toEqual({});
  });

  it('generates a name from generateName', () => {
    const created = store.create(cms, { metadata: { generateName: 'web-', namespace: 'default' } });
    expect(created.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('refuses a duplicate with AlreadyExists, a bad name with Invalid and a missing namespace with NotFound', () => {
    store.create(cms, { metadata: { name: 'a', namespace: 'default' } });
    const dup = statusOf(() => store.create(cms, { metadata: { name: 'a', namespace: 'default' } }));
    expect(dup.status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "a" already exists',
      reason: 'AlreadyExists', details: { name: 'a', kind: 'configmaps' }, code: 409,
    });
    const bad = statusOf(() => store.create(deployments, { ...deployment('x'), metadata: { name: 'Bad_Name', namespace: 'default' } }));
    expect(bad.code).toBe(422);
    expect(bad.status.message).toBe('Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')');
    expect(bad.status.details).toMatchObject({ name: 'Bad_Name', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] });
    const noName = statusOf(() => store.create(cms, { metadata: { namespace: 'default' } }));
    expect(noName.status.message).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    const missing = statusOf(() => store.create(cms, { metadata: { name: 'a', namespace: 'nowhere' } }));
    expect(missing.status).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "nowhere" not found', details: { name: 'nowhere', kind: 'namespaces' } });
  });

  it('refuses a body whose apiVersion does not match the URL, and a selector that misses its template', () => {
    const wrong = statusOf(() => store.create(deployments, { ...deployment('x'), apiVersion: 'extensions/v1beta1' }));
    expect(wrong.status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'the API version in the data (extensions/v1beta1) does not match the expected API version (apps/v1)' });
    const d = deployment('x');
    (d['spec'] as { template: { metadata: { labels: object } } }).template.metadata.labels = { app: 'other' };
    const mismatch = statusOf(() => store.create(deployments, d));
    expect(mismatch.status.message).toBe('Deployment.apps "x" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`');
  });

  it('validates a dry run fully without storing it', () => {
    const before = store.resourceVersion();
    const dry = store.create(cms, { metadata: { name: 'dry', namespace: 'default' } }, { dryRun: true });
    expect(dry.metadata.uid).toBeDefined();
    expect(dry.metadata.resourceVersion).toBeUndefined();
    expect(store.resourceVersion()).toBe(before);
    expect(statusOf(() => store.get(cms, 'default', 'dry')).code).toBe(404);
  });

  it('fills the defaults the apiserver fills', () => {
    const p = store.create(pods, pod('web', { spec: { containers: [{ name: 'app', image: 'nginx', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } }));
    expect(p.spec).toMatchObject({
      restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30,
      serviceAccountName: 'default', containers: [{ imagePullPolicy: 'Always', resources: { requests: { cpu: '1', memory: '1Gi' } } }],
    });
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
    const svc = store.create(r('services'), { metadata: { name: 'front', namespace: 'default' }, spec: { ports: [{ port: 80 }], selector: { app: 'web' } } });
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] });
  });
});

describe('update', () => {
  it('refuses a stale resourceVersion with Conflict', () => {
    const a = store.create(cms, { metadata: { name: 'a', namespace: 'default' }, data: { k: '1' } });
    store.update(cms, { ...structuredClone(a), data: { k: '2' } });
    const stale = statusOf(() => store.update(cms, { ...structuredClone(a), data: { k: '3' } }));
    expect(stale.status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict', details: { name: 'a', kind: 'configmaps' }, code: 409,
    });
  });

  it('writes nothing for an update that changes nothing', () => {
    const a = store.create(cms, { metadata: { name: 'a', namespace: 'default' }, data: { k: '1' } });
    const again = store.update(cms, structuredClone(a));
    expect(again.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(store.resourceVersion()).toBe(a.metadata.resourceVersion);
  });

  it('bumps generation on spec changes only, and keeps status and spec to their own endpoints', () => {
    const d = store.create(deployments, deployment('web', 1));
    const labelled = store.update(deployments, { ...structuredClone(d), metadata: { ...d.metadata, labels: { a: 'b' } } });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = store.update(deployments, { ...structuredClone(labelled), spec: { ...(labelled.spec as object), replicas: 3 }, status: { replicas: 99 } });
    expect(scaled.metadata.generation).toBe(2);
    expect(scaled.status).toEqual({});
    const status = store.update(deployments, { ...structuredClone(scaled), spec: { replicas: 7 }, status: { replicas: 3 } }, { subresource: 'status' });
    expect(status.status).toEqual({ replicas: 3 });
    expect(status.spec).toMatchObject({ replicas: 3 });
    expect(status.metadata.generation).toBe(2);
  });

  it('refuses a changed selector as immutable', () => {
    const d = store.create(deployments, deployment('web'));
    const changed = structuredClone(d) as KubeObject & { spec: { selector: object; template: { metadata: { labels: object } } } };
    changed.spec.selector = { matchLabels: { app: 'other' } };
    changed.spec.template.metadata.labels = { app: 'other' };
    expect(statusOf(() => store.update(deployments, changed)).status.message).toBe('Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
  });
});

describe('list', () => {
  beforeEach(() => {
    store.create(namespaces, { metadata: { name: 'shop' } });
    const specs: [string, string, Record<string, string>, string, string][] = [
      ['a', 'default', { app: 'web', tier: 'front' }, 'node-1', 'Running'],
      ['b', 'default', { app: 'api', tier: 'back' }, 'node-2', 'Pending'],
      ['c', 'shop', { app: 'web' }, 'node-1', 'Pending'],
      ['d', 'shop', { tier: 'back' }, '', 'Pending'],
    ];
    for (const [name, ns, labels, node, phase] of specs) {
      const created = store.create(pods, pod(name, { metadata: { labels }, spec: node ? { nodeName: node } : {} }, ns));
      if (phase !== 'Pending') store.update(pods, { ...structuredClone(created), status: { phase } }, { subresource: 'status' });
    }
  });

  const listed = (options: Parameters<ObjectStore['list']>[1]) => store.list(pods, options).items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);

  it('lists one namespace or all of them, in key order', () => {
    expect(listed({ namespace: 'shop' })).toEqual(['shop/c', 'shop/d']);
    expect(listed({})).toEqual(['default/a', 'default/b', 'shop/c', 'shop/d']);
  });

  it('selects by labels: equality, inequality, sets and existence', () => {
    expect(listed({ labelSelector: 'app=web' })).toEqual(['default/a', 'shop/c']);
    expect(listed({ labelSelector: 'app==web,tier=front' })).toEqual(['default/a']);
    expect(listed({ labelSelector: 'app!=web' })).toEqual(['default/b', 'shop/d']);
    expect(listed({ labelSelector: 'tier in (back,front)' })).toEqual(['default/a', 'default/b', 'shop/d']);
    expect(listed({ labelSelector: 'app notin (web)' })).toEqual(['default/b', 'shop/d']);
    expect(listed({ labelSelector: '!app' })).toEqual(['shop/d']);
    expect(listed({ labelSelector: 'app, tier' })).toEqual(['default/a', 'default/b']);
  });

  it('selects by fields, and refuses a field the resource does not index', () => {
    expect(listed({ fieldSelector: 'spec.nodeName=node-1' })).toEqual(['default/a', 'shop/c']);
    expect(listed({ fieldSelector: 'spec.nodeName=' })).toEqual(['shop/d']);
    expect(listed({ fieldSelector: 'status.phase!=Running,metadata.namespace=default' })).toEqual(['default/b']);
    expect(listed({ fieldSelector: 'metadata.name=c' })).toEqual(['shop/c']);
    expect(statusOf(() => store.list(pods, { fieldSelector: 'spec.foo=bar' })).status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    expect(statusOf(() => store.list(pods, { labelSelector: 'app in web' })).code).toBe(400);
  });

  it('selects events by involvedObject and secrets by type', () => {
    const events = r('events');
    store.create(events, { metadata: { name: 'e1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'a', namespace: 'default' }, reason: 'Failed', type: 'Warning' });
    store.create(events, { metadata: { name: 'e2', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'b', namespace: 'default' }, reason: 'Pulled', type: 'Normal' });
    expect(store.list(events, { fieldSelector: 'involvedObject.name=a' }).items.map((e) => e.metadata.name)).toEqual(['e1']);
    expect(store.list(events, { fieldSelector: 'type=Normal,involvedObject.kind=Pod' }).items.map((e) => e.metadata.name)).toEqual(['e2']);
    const secrets = r('secrets');
    store.create(secrets, { metadata: { name: 's1', namespace: 'default' }, type: 'kubernetes.io/tls', data: {} });
    store.create(secrets, { metadata: { name: 's2', namespace: 'default' } });
    expect(store.list(secrets, { fieldSelector: 'type=Opaque' }).items.map((s) => s.metadata.name)).toEqual(['s2']);
  });

  it('pages with limit and continue at the first page\'s resourceVersion', () => {
    const first = store.list(pods, { limit: 3 });
    expect(first.items.map((p) => p.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(first.remainingItemCount).toBe(1);
    store.create(pods, pod('e', {}, 'shop'));
    const second = store.list(pods, { limit: 3, continue: first.continue! });
    expect(second.items.map((p) => p.metadata.name)).toEqual(['d', 'e']);
    expect(second.resourceVersion).toBe(first.resourceVersion);
    expect(second.continue).toBeUndefined();
    expect(statusOf(() => store.list(pods, { continue: 'not-a-token' })).status).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  it('expires a continue token once the history it needs is gone', () => {
    const first = store.list(pods, { limit: 1 });
    for (let i = 0; i < 60; i++) store.create(pods, pod(`p${i}`, {}, 'shop'));
    const err = statusOf(() => store.list(pods, { limit: 1, continue: first.continue! }));
    expect(err.status).toMatchObject({ code: 410, reason: 'Expired' });
    expect(err.status.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\./);
    expect(err.status.metadata.continue).toBeDefined();
  });
});

describe('watch', () => {
  it('starts with the current objects when no resourceVersion is given, then streams changes', () => {
    store.create(cms, { metadata: { name: 'old', namespace: 'default' } });
    const sink = recorder();
    const watch = store.watch(cms, { namespace: 'default' }, sink);
    const created = store.create(cms, { metadata: { name: 'new', namespace: 'default' } });
    store.update(cms, { ...structuredClone(created), data: { k: 'v' } });
    store.create(namespaces, { metadata: { name: 'shop' } });
    store.create(cms, { metadata: { name: 'elsewhere', namespace: 'shop' } });
    store.delete(cms, 'default', 'new');
    watch.stop();
    store.create(cms, { metadata: { name: 'unseen', namespace: 'default' } });
    expect(sink.events).toEqual(['ADDED old', 'ADDED new', 'MODIFIED new', 'DELETED new']);
  });

  it('replays the events after a resourceVersion', () => {
    const a = store.create(cms, { metadata: { name: 'a', namespace: 'default' } });
    store.create(cms, { metadata: { name: 'b', namespace: 'default' } });
    store.delete(cms, 'default', 'a');
    const sink = recorder();
    store.watch(cms, { resourceVersion: a.metadata.resourceVersion! }, sink);
    expect(sink.events).toEqual(['ADDED b', 'DELETED a']);
  });

  it('answers a resourceVersion older than the history with 410 Expired', () => {
    const first = store.create(cms, { metadata: { name: 'first', namespace: 'default' } });
    for (let i = 0; i < 60; i++) store.create(cms, { metadata: { name: `c${i}`, namespace: 'default' } });
    const sink = recorder();
    store.watch(cms, { resourceVersion: first.metadata.resourceVersion! }, sink);
    expect(sink.events).toEqual([]);
    expect(sink.errors).toHaveLength(1);
    expect(sink.errors[0]!.status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(sink.errors[0]!.status.message).toMatch(new RegExp(`^too old resource version: ${first.metadata.resourceVersion} \\(\\d+\\)$`));
  });

  it('reports objects entering and leaving a label selector as ADDED and DELETED', () => {
    const sink = recorder();
    store.watch(cms, { labelSelector: 'app=web', resourceVersion: store.resourceVersion() }, sink);
    const a = store.create(cms, { metadata: { name: 'a', namespace: 'default', labels: { app: 'api' } } });
    const b = store.update(cms, { ...structuredClone(a), metadata: { ...a.metadata, labels: { app: 'web' } } });
    const c = store.update(cms, { ...structuredClone(b), data: { k: 'v' } });
    store.update(cms, { ...structuredClone(c), metadata: { ...c.metadata, labels: {} } });
    expect(sink.events).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it('sends bookmarks to watches that allow them', async () => {
    store.close();
    store = new ObjectStore({ bookmarkIntervalMs: 10 });
    const sink = recorder();
    const quiet = recorder();
    store.watch(cms, { allowBookmarks: true, resourceVersion: store.resourceVersion() }, sink);
    store.watch(cms, { resourceVersion: store.resourceVersion() }, quiet);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.events[0]).toBe(`BOOKMARK ${store.resourceVersion()}`);
    expect(quiet.events).toEqual([]);
  });

  it('fans one change out to many watchers', () => {
    const sinks = Array.from({ length: 500 }, () => recorder());
    for (const s of sinks) store.watch(cms, { resourceVersion: store.resourceVersion() }, s);
    store.create(cms, { metadata: { name: 'a', namespace: 'default' } });
    expect(sinks.every((s) => s.events.length === 1 && s.events[0] === 'ADDED a')).toBe(true);
  });
});

describe('delete, finalizers and garbage collection', () => {
  it('deletes at once, or marks and waits while finalizers remain', () => {
    store.create(cms, { metadata: { name: 'plain', namespace: 'default' } });
    expect(store.delete(cms, 'default', 'plain').gone).toBe(true);
    store.create(cms, { metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } });
    const marked = store.delete(cms, 'default', 'held');
    expect(marked.gone).toBe(false);
    expect(marked.object.metadata.deletionTimestamp).toBeDefined();
    const sink = recorder();
    store.watch(cms, { resourceVersion: store.resourceVersion() }, sink);
    const current = store.get(cms, 'default', 'held');
    store.update(cms, { ...structuredClone(current), metadata: { ...current.metadata, finalizers: [] } });
    expect(statusOf(() => store.get(cms, 'default', 'held')).code).toBe(404);
    expect(sink.events).toEqual(['DELETED held']);
  });

  it('checks delete preconditions', () => {
    store.create(cms, { metadata: { name: 'a', namespace: 'default' } });
    const err = statusOf(() => store.delete(cms, 'default', 'a', { preconditions: { uid: 'other' } }));
    expect(err.status.message).toMatch(/^Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: other, UID in object meta: [0-9a-f-]{36}$/);
  });

  function ownedReplicaSet(owner: KubeObject, name: string, block = true): Record<string, unknown> {
    return {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: block }] },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
    };
  }

  it('collects dependents in the background once their owner is gone', async () => {
    const web = store.create(deployments, deployment('web'));
    store.create(replicasets, ownedReplicaSet(web, 'web-1'));
    store.create(replicasets, ownedReplicaSet(web, 'web-2'));
    store.delete(deployments, 'default', 'web', { propagationPolicy: 'Background' });
    await store.settled();
    expect(store.list(replicasets).items).toEqual([]);
  });

  it('orphans dependents: they stay and forget their owner', async () => {
    const web = store.create(deployments, deployment('web'));
    store.create(replicasets, ownedReplicaSet(web, 'web-1'));
    store.delete(deployments, 'default', 'web', { propagationPolicy: 'Orphan' });
    await store.settled();
    expect(store.list(deployments).items).toEqual([]);
    expect(store.get(replicasets, 'default', 'web-1').metadata.ownerReferences ?? []).toEqual([]);
  });

  it('holds a foreground delete until the blocking dependents are gone', async () => {
    const web = store.create(deployments, deployment('web'));
    const rs = store.create(replicasets, { ...ownedReplicaSet(web, 'web-1'), metadata: { ...ownedReplicaSet(web, 'web-1')['metadata'] as object, finalizers: ['example.com/hold'] } });
    store.delete(deployments, 'default', 'web', { propagationPolicy: 'Foreground' });
    await store.settled();
    const waiting = store.get(deployments, 'default', 'web');
    expect(waiting.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(store.get(replicasets, 'default', rs.metadata.name).metadata.deletionTimestamp).toBeDefined();
    const current = store.get(replicasets, 'default', 'web-1');
    store.update(replicasets, { ...structuredClone(current), metadata: { ...current.metadata, finalizers: [] } });
    await store.settled();
    expect(store.list(deployments).items).toEqual([]);
  });

  it('collects an object whose owner never existed', async () => {
    const ghost = { metadata: { name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' } } as KubeObject;
    store.create(replicasets, ownedReplicaSet(ghost, 'orphan'));
    await store.settled();
    expect(store.list(replicasets).items).toEqual([]);
  });
});

describe('namespaces', () => {
  it('terminates a namespace: Terminating, then its content, then itself', async () => {
    store.create(namespaces, { metadata: { name: 'shop' } });
    store.create(cms, { metadata: { name: 'a', namespace: 'shop' } });
    store.create(deployments, { ...deployment('web'), metadata: { name: 'web', namespace: 'shop' } });
    const { object, gone } = store.delete(namespaces, undefined, 'shop');
    expect(gone).toBe(false);
    expect(object.status).toEqual({ phase: 'Terminating' });
    expect(object.metadata.deletionTimestamp).toBeDefined();
    const late = statusOf(() => store.create(cms, { metadata: { name: 'late', namespace: 'shop' } }));
    expect(late.status).toMatchObject({
      code: 403, reason: 'Forbidden', message: 'configmaps "late" is forbidden: unable to create new content in namespace shop because it is being terminated',
      details: { name: 'late', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', message: 'namespace shop is being terminated', field: 'metadata.namespace' }] },
    });
    const again = statusOf(() => store.delete(namespaces, undefined, 'shop'));
    expect(again.status.message).toBe('Operation cannot be fulfilled on namespaces "shop": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.');
    await store.settled();
    expect(store.list(cms, { namespace: 'shop' }).items).toEqual([]);
    expect(store.list(namespaces).items.map((n) => n.metadata.name)).not.toContain('shop');
  });

  it('refuses to delete the namespaces a cluster cannot live without', () => {
    expect(statusOf(() => store.delete(namespaces, undefined, 'kube-system')).status.message).toBe('namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });
});

describe('versions sharing one storage', () => {
  it('serves core events as events.k8s.io/v1 events, in both directions', () => {
    const coreEvents = r('events');
    const newEvents = r('events.events.k8s.io');
    store.create(coreEvents, { metadata: { name: 'e1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'a' }, message: 'Back-off restarting failed container', reason: 'BackOff', type: 'Warning', count: 3 });
    const seen = store.get(newEvents, 'default', 'e1');
    expect(seen).toMatchObject({ apiVersion: 'events.k8s.io/v1', regarding: { kind: 'Pod', name: 'a' }, note: 'Back-off restarting failed container', deprecatedCount: 3 });
    store.create(newEvents, { metadata: { name: 'e2', namespace: 'default' }, regarding: { kind: 'Node', name: 'n1' }, note: 'ready', reason: 'NodeReady', type: 'Normal' });
    expect(store.get(coreEvents, 'default', 'e2')).toMatchObject({ apiVersion: 'v1', involvedObject: { kind: 'Node', name: 'n1' }, message: 'ready' });
  });
});

describe('scale', () => {
  it('lists 10,000 pods quickly, selected and paged', () => {
    store.create(namespaces, { metadata: { name: 'big' } });
    for (let i = 0; i < 10_000; i++) {
      store.create(pods, pod(`p-${String(i).padStart(5, '0')}`, { metadata: { labels: { shard: String(i % 10) } } }, 'big'));
    }
    const started = performance.now();
    const all = store.list(pods, { namespace: 'big' });
    const shard = store.list(pods, { labelSelector: 'shard=3' });
    let pages = 0;
    let token: string | undefined;
    do {
      const page = store.list(pods, { namespace: 'big', limit: 500, ...(token ? { continue: token } : {}) });
      token = page.continue;
      pages++;
    } while (token);
    const elapsed = performance.now() - started;
    expect(all.items).toHaveLength(10_000);
    expect(shard.items).toHaveLength(1_000);
    expect(pages).toBe(20);
    expect(elapsed).toBeLessThan(500);
  });
});
