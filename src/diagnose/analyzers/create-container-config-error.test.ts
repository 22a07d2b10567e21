import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { deployment, event, graphOf, pod, replicaSet } from '../../../test/k8s.js';
import { groupIncidents } from '../incidents.js';
import { createContainerConfigErrorAnalyzer } from './create-container-config-error.js';

const NS = 'shop';

type Env = Record<string, unknown>[];

/** A pod of `owner` whose container `app` reads `env` and cannot be created. */
function blocked(name: string, env: Env, message: string | undefined, owner?: KubeObject): KubeObject {
  return pod(NS, name, {
    spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/app:1.0.0', env }] },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
      containerStatuses: [{
        name: 'app', ready: false, restartCount: 0, image: 'registry.example.com/shop/app:1.0.0', imageID: '',
        state: { waiting: { reason: 'CreateContainerConfigError', ...(message ? { message } : {}) } },
      }],
    },
  }, owner);
}

function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, uid: `cm-${name}` }, data } as KubeObject;
}

function secret(name: string, keys: string[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace: NS, uid: `s-${name}` }, data: Object.fromEntries(keys.map((k) => [k, 'c2VjcmV0'])) } as KubeObject;
}

const fromConfigMap = (variable: string, name: string, key: string): Env[number] => ({ name: variable, valueFrom: { configMapKeyRef: { name, key } } });
const fromSecret = (variable: string, name: string, key: string): Env[number] => ({ name: variable, valueFrom: { secretKeyRef: { name, key } } });

describe('createContainerConfigErrorAnalyzer', () => {
  it('makes every pod of two deployments blocked on one missing ConfigMap a single incident, its culprit the ConfigMap', () => {
    const objects: KubeObject[] = [configMap('kube-root-ca.crt', { 'ca.crt': '...' })];
    for (const [name, count] of [['storefront', 3], ['worker', 2]] as const) {
      const d = deployment(NS, name);
      const rs = replicaSet(d, '5f7c8');
      objects.push(d, rs);
      for (let i = 0; i < count; i++) objects.push(blocked(`${name}-5f7c8-${i}`, [fromConfigMap('LOG_LEVEL', 'app-config', 'LOG_LEVEL')], 'configmap "app-config" not found', rs));
    }
    const graph = graphOf(objects);
    const findings = createContainerConfigErrorAnalyzer.analyze(graph);
    expect(findings).toHaveLength(5);
    expect(new Set(findings.map((f) => f.rootCause.category))).toEqual(new Set(['missing-configmap']));
    expect(findings[0]!.culprit).toEqual({ kind: 'ConfigMap', namespace: NS, name: 'app-config' });
    expect(findings[0]!.confidence).toBeGreaterThanOrEqual(0.95);
    expect(findings[0]!.fixes).toEqual([]);
    expect(findings[0]!.rootCause.explanation).toContain('LOG_LEVEL');
    const incidents = groupIncidents(findings, graph);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.symptoms).toHaveLength(4);
    const affected = incidents[0]!.affected.map((r) => `${r.kind}/${r.name}`);
    expect(affected).toContain('ConfigMap/app-config');
  });

  it('reads a missing Secret from the Failed event when the status has no message', () => {
    const p = blocked('api-1', [fromSecret('DB_PASSWORD', 'db-credentials', 'password')], undefined);
    const ev = event(p, 'Warning', 'Failed', 'Error: secret "db-credentials" not found', { count: 12 });
    const [f] = createContainerConfigErrorAnalyzer.analyze(graphOf([p, ev, secret('tls-cert', ['tls.crt'])]));
    expect(f!.rootCause.category).toBe('missing-secret');
    expect(f!.culprit).toEqual({ kind: 'Secret', namespace: NS, name: 'db-credentials' });
    expect(f!.evidence.map((e) => e.quote)).toContain('Warning Failed: Error: secret "db-credentials" not found (x12)');
    // The variable's name looks like a credential, so redaction masks what follows it; the reference stays readable.
    expect(f!.evidence.some((e) => e.source === 'spec' && e.quote.includes("the key 'password' in secret 'db-credentials'"))).toBe(true);
    expect(f!.rootCause.explanation).toContain('No data can be invented');
    expect(f!.fixes).toEqual([]);
  });

  it('patches the env reference when the ConfigMap has the key under a near-identical name', () => {
    const d = deployment(NS, 'checkout');
    const rs = replicaSet(d, '7d9f4');
    const p = blocked('checkout-7d9f4-a', [fromConfigMap('DATABASE_URL', 'app-config', 'DATABASE_URL')], `couldn't find key DATABASE_URL in ConfigMap ${NS}/app-config`, rs);
    const [f] = createContainerConfigErrorAnalyzer.analyze(graphOf([d, rs, p, configMap('app-config', { database_url: 'postgres://db:5432/shop', LOG_LEVEL: 'info' })]));
    expect(f!.rootCause.category).toBe('missing-key');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.95);
    expect(f!.related).toEqual([{ kind: 'Deployment', namespace: NS, name: 'checkout' }]);
    const [fix] = f!.fixes;
    expect(fix!.target).toMatchObject({ kind: 'Deployment', name: 'checkout' });
    expect(JSON.stringify(fix!.change)).toContain('"key":"database_url"');
    expect(JSON.stringify(fix!.inverse!.change)).toContain('"key":"DATABASE_URL"');
  });

  it('proposes no patch when no key is close enough, and lists the keys there are', () => {
    const p = blocked('checkout-1', [fromSecret('PASSWORD', 'db-credentials', 'password')], `couldn't find key password in Secret ${NS}/db-credentials`);
    const [f] = createContainerConfigErrorAnalyzer.analyze(graphOf([p, secret('db-credentials', ['username', 'pass'])]));
    expect(f!.rootCause.category).toBe('missing-key');
    expect(f!.fixes).toEqual([]);
    expect(f!.rootCause.explanation).toContain('username, pass');
    expect(JSON.stringify(f)).not.toContain('c2VjcmV0');
  });

  it('lowers its confidence when the object named missing exists now', () => {
    const p = blocked('api-1', [fromConfigMap('MODE', 'app-config', 'MODE')], 'configmap "app-config" not found');
    const [f] = createContainerConfigErrorAnalyzer.analyze(graphOf([p, configMap('app-config', { MODE: 'live' })]));
    expect(f!.confidence).toBeLessThan(0.6);
    expect(f!.rootCause.explanation).toContain('next retry');
  });

  it('says unknown for a config error that names no ConfigMap or Secret', () => {
    const p = blocked('api-1', [], 'container has runAsNonRoot and image will run as root (pod: "api-1_shop(1234)", container: app)');
    const [f] = createContainerConfigErrorAnalyzer.analyze(graphOf([p]));
    expect(f!.rootCause.category).toBe('unknown');
    expect(f!.rootCause.explanation).toContain('runAsNonRoot');
  });

  it('finds nothing when no container waits with CreateContainerConfigError', () => {
    const creating = pod(NS, 'new-1', { status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] } });
    expect(createContainerConfigErrorAnalyzer.analyze(graphOf([pod(NS, 'ok'), creating]))).toEqual([]);
  });
});
