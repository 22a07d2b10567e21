import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { deployment, event, graphOf, merge, pod, replicaSet } from '../../../test/k8s.js';
import { imagePullAnalyzer, parseImage } from './image-pull.js';

const NS = 'shop';

/** A pod whose container `app` waits on its image. */
function waitingOn(name: string, image: string, reason: string, message?: string, owner?: KubeObject, over: Record<string, unknown> = {}): KubeObject {
  return pod(NS, name, {
    spec: { containers: [{ name: 'app', image }], ...(over['spec'] as object ?? {}) },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
      containerStatuses: [{ name: 'app', ready: false, started: false, restartCount: 0, image, imageID: '', state: { waiting: { reason, ...(message ? { message } : {}) } } }],
    },
  }, owner);
}

function pullFailed(p: KubeObject, image: string, error: string): KubeObject {
  return event(p, 'Warning', 'Failed', `Failed to pull image "${image}": ${error}`, { count: 4, involvedObject: { fieldPath: 'spec.containers{app}' } });
}

function backOff(p: KubeObject, image: string): KubeObject {
  return event(p, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, { count: 20, involvedObject: { fieldPath: 'spec.containers{app}' } });
}

/** A deployment at revision 2 whose new ReplicaSet runs `image` while revision 1 ran `oldImage` and still serves. */
function rollout(name: string, oldImage: string, image: string) {
  const d = deployment(NS, name, {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image }] } } },
    status: { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 },
  });
  const old = replicaSet(d, '6b7f9c8d5', {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: oldImage }] } } },
  });
  const fresh = replicaSet(d, '5d4f8b7c9', {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image }] } } },
    status: { replicas: 1, readyReplicas: 0, availableReplicas: 0 },
  });
  const running = pod(NS, `${name}-6b7f9c8d5-abcde`, { spec: { containers: [{ name: 'app', image: oldImage }] } }, old);
  return { d, old, fresh, running };
}

const NOT_FOUND = (image: string): string => `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;

describe('parseImage', () => {
  it('normalises Docker Hub short names and keeps registry ports apart from tags', () => {
    expect(parseImage('nginx')).toEqual({ registry: 'docker.io', repository: 'docker.io/library/nginx' });
    expect(parseImage('registry.example.com:5000/shop/web:2.1@sha256:abc')).toEqual({
      registry: 'registry.example.com:5000', repository: 'registry.example.com:5000/shop/web', tag: '2.1', digest: 'sha256:abc',
    });
    expect(parseImage('Shop/Web:1')).toBeUndefined();
    expect(parseImage('web app:1')).toBeUndefined();
  });
});

describe('imagePullAnalyzer', () => {
  it('calls a missing tag tag-not-found when the previous revision ran the same repository, and proposes the undo', () => {
    const image = 'registry.example.com/shop/web:2.5.0';
    const { d, old, fresh, running } = rollout('web', 'registry.example.com/shop/web:2.4.1', image);
    const p = waitingOn('web-5d4f8b7c9-x8k2p', image, 'ImagePullBackOff', `Back-off pulling image "${image}"`, fresh);
    const [f, ...rest] = imagePullAnalyzer.analyze(graphOf([d, old, fresh, running, p, pullFailed(p, image, NOT_FOUND(image)), backOff(p, image)]));
    expect(rest).toEqual([]);
    expect(f!.rootCause.category).toBe('tag-not-found');
    expect(f!.subject).toMatchObject({ kind: 'Pod', name: 'web-5d4f8b7c9-x8k2p' });
    expect(f!.culprit).toEqual({ kind: 'Deployment', namespace: NS, name: 'web' });
    expect(f!.severity).toBe('warning');
    expect(f!.evidence.map((e) => e.quote).join('\n')).toContain(': not found');
    const undo = f!.fixes.find((x) => x.verb === 'rollout-undo');
    expect(undo?.change).toEqual({ toRevision: 1 });
    const patch = f!.fixes.find((x) => x.verb === 'patch');
    expect(JSON.stringify(patch?.change)).toContain('shop/web:2.4.1');
    expect(JSON.stringify(patch?.inverse?.change)).toContain('shop/web:2.5.0');
  });

  it('calls a missing image of a repository nothing else runs image-not-found, critical when nothing serves', () => {
    const image = 'registry.example.com/shop/checkout:3.0.0';
    const d = deployment(NS, 'checkout', { status: { replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0 } });
    const rs = replicaSet(d, '7c5d9', { status: { replicas: 1, readyReplicas: 0, availableReplicas: 0 } });
    const p = waitingOn('checkout-7c5d9-q2w3e', image, 'ErrImagePull', NOT_FOUND(image), rs);
    const [f] = imagePullAnalyzer.analyze(graphOf([d, rs, p, pullFailed(p, image, NOT_FOUND(image))]));
    expect(f!.rootCause.category).toBe('image-not-found');
    expect(f!.severity).toBe('critical');
    expect(f!.fixes).toEqual([]);
  });

  it('without an earlier revision, proposes the tag another pod of the repository runs', () => {
    const image = 'registry.example.com/shop/catalog:3.0.0';
    const d = deployment(NS, 'catalog', { spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image }] } } } });
    const rs = replicaSet(d, '7c5d9', { spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image }] } } } });
    const p = waitingOn('catalog-7c5d9-q2w3e', image, 'ImagePullBackOff', `Back-off pulling image "${image}"`, rs);
    const other = pod(NS, 'catalog-worker', { spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/catalog:2.9.4' }] } });
    const [f] = imagePullAnalyzer.analyze(graphOf([d, rs, p, other, pullFailed(p, image, NOT_FOUND(image))]));
    expect(f!.rootCause.category).toBe('tag-not-found');
    expect(f!.fixes).toHaveLength(1);
    expect(f!.fixes[0]).toMatchObject({ verb: 'patch', target: { kind: 'Deployment', name: 'catalog' }, summary: 'set image of container app to registry.example.com/shop/catalog:2.9.4 (was registry.example.com/shop/catalog:3.0.0)' });
    expect(JSON.stringify(f!.fixes[0]!.inverse?.change)).toContain('catalog:3.0.0');
  });

  it('reads "manifest unknown" as a missing tag even without other evidence', () => {
    const image = 'registry.example.com/shop/api:9.9.9';
    const p = waitingOn('api', image, 'ErrImagePull', `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": unexpected status: manifest unknown: manifest unknown`);
    expect(imagePullAnalyzer.analyze(graphOf([p]))[0]!.rootCause.category).toBe('tag-not-found');
  });

  it('blames credentials when the pod names a pull secret the namespace does not have', () => {
    const image = 'acme/billing:1.2.0';
    const denied = `rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/${image}": failed to resolve reference "docker.io/${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
    const p = waitingOn('billing', image, 'ImagePullBackOff', `Back-off pulling image "${image}"`, undefined, { spec: { imagePullSecrets: [{ name: 'acme-registry' }] } });
    const other = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'unrelated', namespace: NS } } as KubeObject;
    const [f] = imagePullAnalyzer.analyze(graphOf([p, other, pullFailed(p, image, denied)]));
    expect(f!.rootCause.category).toBe('registry-auth');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f!.rootCause.explanation).toContain('kubectl create secret docker-registry acme-registry');
    expect(f!.evidence.map((e) => e.quote)).toContain('imagePullSecrets: {name: acme-registry}');
    expect(f!.fixes).toEqual([]);
  });

  it('takes the kubelet\'s FailedToRetrieveImagePullSecret warning as proof when the snapshot holds no Secrets', () => {
    const image = 'registry.example.com/billing/worker:3.2.0';
    const p = waitingOn('worker', image, 'ErrImagePull', 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed', undefined, { spec: { imagePullSecrets: [{ name: 'harbor-robot' }] } });
    const warning = event(p, 'Warning', 'FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (harbor-robot); attempting to pull the image may not succeed.', { count: 7 });
    const [f] = imagePullAnalyzer.analyze(graphOf([p, warning]));
    expect(f!.rootCause.category).toBe('registry-auth');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f!.evidence.some((e) => e.quote.startsWith('Warning FailedToRetrieveImagePullSecret'))).toBe(true);
  });

  it('does not claim a credential problem for an ambiguous Docker Hub denial when the pod needs no credentials', () => {
    const image = 'acme/biling:1.2.0';
    const denied = 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
    const p = waitingOn('billing', image, 'ErrImagePull', denied);
    const [f] = imagePullAnalyzer.analyze(graphOf([p]));
    expect(f!.rootCause.category).toBe('image-not-found');
    expect(f!.confidence).toBeLessThan(0.7);
  });

  it('proposes the pull secret that running pods of the namespace use for the same registry', () => {
    const image = 'registry.example.com/shop/search:1.0.0';
    const d = deployment(NS, 'search', { status: { availableReplicas: 0 } });
    const rs = replicaSet(d, '8f6d7');
    const p = waitingOn('search-8f6d7-a1b2c', image, 'ErrImagePull', `failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://registry.example.com/token: 401 Unauthorized`, rs);
    const peer = pod(NS, 'cart-1', { spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'app', image: 'registry.example.com/shop/cart:4.1' }] } });
    const [f] = imagePullAnalyzer.analyze(graphOf([d, rs, p, peer]));
    expect(f!.rootCause.category).toBe('registry-auth');
    const fix = f!.fixes[0]!;
    expect(fix.target).toMatchObject({ kind: 'Deployment', name: 'search' });
    expect(JSON.stringify(fix.change)).toContain('"imagePullSecrets":[{"name":"regcred"}]');
    expect(JSON.stringify(fix.inverse?.change)).toContain('"$patch":"delete"');
  });

  it('tells an unresolvable registry host apart', () => {
    const image = 'registry.exmaple.com/shop/web:2.4.1';
    const err = `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Head "https://registry.exmaple.com/v2/shop/web/manifests/2.4.1": dial tcp: lookup registry.exmaple.com on 10.96.0.10:53: no such host`;
    const p = waitingOn('web', image, 'ErrImagePull', err);
    const [f] = imagePullAnalyzer.analyze(graphOf([p]));
    expect(f!.rootCause.category).toBe('registry-unreachable');
    expect(f!.rootCause.explanation).toContain('no such host');
    // The message is long; its quote keeps the innermost cause, at the end.
    expect(f!.evidence[0]!.quote).toMatch(/^State: Waiting, Reason: ErrImagePull, Message: … .*no such host$/);
  });

  it('reads InvalidImageName and the InspectFailed event', () => {
    const image = 'registry.example.com/shop/Web:2.4.1';
    const p = waitingOn('web', image, 'InvalidImageName', `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format: repository name (shop/Web) must be lowercase`);
    const ev = event(p, 'Warning', 'InspectFailed', `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format: repository name (shop/Web) must be lowercase`);
    const [f] = imagePullAnalyzer.analyze(graphOf([p, ev]));
    expect(f!.rootCause.category).toBe('invalid-image-name');
    expect(f!.evidence.some((e) => e.source === 'event' && e.quote.startsWith('Warning InspectFailed'))).toBe(true);
  });

  it('classifies from the events when the status says only ImagePullBackOff, ignoring another container\'s events', () => {
    const image = 'registry.example.com/shop/web:2.5.0';
    const p = pod(NS, 'web', {
      spec: { containers: [{ name: 'app', image }, { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }] },
      status: {
        phase: 'Pending',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, image, imageID: '', state: { waiting: { reason: 'ImagePullBackOff' } } },
          { name: 'proxy', ready: true, restartCount: 0, image: 'envoyproxy/envoy:v1.31.0', imageID: '', state: { running: { startedAt: '2026-11-20T09:00:00Z' } } },
        ],
      },
    });
    const proxyNoise = event(p, 'Warning', 'Failed', 'Failed to pull image "envoyproxy/envoy:v1.31.0": dial tcp: i/o timeout', { involvedObject: { fieldPath: 'spec.containers{proxy}' } });
    const [f] = imagePullAnalyzer.analyze(graphOf([p, proxyNoise, pullFailed(p, image, 'unexpected status: manifest unknown')]));
    expect(f!.rootCause.category).toBe('tag-not-found');
  });

  it('says unknown, not a guess, when no error text is in the snapshot', () => {
    const p = waitingOn('web', 'registry.example.com/shop/web:2.5.0', 'ImagePullBackOff');
    const [f] = imagePullAnalyzer.analyze(graphOf([p]));
    expect(f!.rootCause.category).toBe('unknown');
    expect(f!.confidence).toBeLessThan(0.5);
  });

  it('finds nothing in running, finished or terminating pods', () => {
    const ok = pod(NS, 'web-ok');
    const done = waitingOn('job-1', 'busybox:bad tag', 'ErrImagePull', 'invalid reference format', undefined);
    (done.status as { phase: string }).phase = 'Succeeded';
    const leaving = merge(waitingOn('old', 'nginx:nope', 'ImagePullBackOff'), { metadata: { deletionTimestamp: '2026-11-20T09:59:00Z' } });
    expect(imagePullAnalyzer.analyze(graphOf([ok, done, leaving]))).toEqual([]);
  });
});
