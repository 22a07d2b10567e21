import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, deployment, event, graphOf, log, merge, pod, replicaSet } from '../../../test/k8s.js';
import { crashLoopBackOffAnalyzer } from './crash-loop-back-off.js';

const deploy = deployment('shop', 'orders', { status: { replicas: 1, readyReplicas: 0, availableReplicas: 0 } });
const rs = replicaSet(deploy, '7d9c6b5f4', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } } });
const POD = 'orders-7d9c6b5f4-x2x7q';

interface Crash { reason?: string; exitCode?: number; message?: string; restarts?: number; running?: boolean; finishedMin?: number; restartPolicy?: string }

function crashingPod(name: string, crash: Crash = {}, owner: KubeObject = rs): KubeObject {
  const { reason = 'Error', exitCode = 1, restarts = 6, running = false, finishedMin = 1, restartPolicy = 'Always' } = crash;
  const state = running
    ? { running: { startedAt: ago(finishedMin - 0.5) } }
    : { waiting: { reason: 'CrashLoopBackOff', message: `back-off 2m40s restarting failed container=app pod=${name}_shop(5d6b1c2e-1111-4a4a-9c9c-000000000001)` } };
  return pod('shop', name, {
    spec: { restartPolicy },
    status: {
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{
        name: 'app', ready: false, restartCount: restarts, image: 'registry.example.com/orders:2.3.0', imageID: '', state,
        lastState: { terminated: { reason, exitCode, startedAt: ago(finishedMin + 0.2), finishedAt: ago(finishedMin), ...(crash.message ? { message: crash.message } : {}) } },
      }],
    },
  }, owner);
}

function backOff(p: KubeObject, minutesAgo = 0.5): KubeObject {
  return event(p, 'Warning', 'BackOff', `Back-off restarting failed container app in pod ${p.metadata.name}_shop(${p.metadata.uid})`, { count: 24, minutesAgo, involvedObject: { fieldPath: 'spec.containers{app}' } });
}

function analyze(objects: KubeObject[], logs: ReturnType<typeof log>[] = []) {
  return crashLoopBackOffAnalyzer.analyze(graphOf(objects, logs));
}

function previous(text: string, podName = POD) {
  return log('shop', podName, text, { container: 'app', previous: true });
}

describe('crashLoopBackOffAnalyzer', () => {
  it('reads a missing environment variable from the previous log and quotes the line', () => {
    const p = crashingPod(POD);
    const logs = [previous('2026-11-20T09:58:01Z starting orders 2.3.0\n2026-11-20T09:58:01Z FATAL environment variable "PAYMENTS_URL" is not set\n')];
    const [f] = analyze([deploy, rs, p, backOff(p)], logs);
    expect(f!.mode).toBe('CrashLoopBackOff');
    expect(f!.rootCause.category).toBe('missing-config');
    expect(f!.culprit).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'orders' });
    expect(f!.severity).toBe('critical');
    const quotes = f!.evidence.map((e) => e.quote);
    expect(quotes).toContain('2026-11-20T09:58:01Z FATAL environment variable "PAYMENTS_URL" is not set');
    expect(quotes.join('\n')).toContain('Reason: CrashLoopBackOff, Message: back-off 2m40s restarting failed container=app');
    expect(quotes.join('\n')).toContain('Last State: Terminated, Reason: Error, Exit Code: 1');
    expect(quotes.join('\n')).toContain('Warning BackOff: Back-off restarting failed container app in pod');
    expect(f!.rootCause.explanation).toContain('the kubelet now waits 2m40s');
  });

  it('names the Service a refused connection points at, and links it', () => {
    const p = crashingPod(POD);
    const db = merge({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders-db', namespace: 'shop', uid: 'svc-1' }, spec: { clusterIP: '10.96.41.7', ports: [{ port: 5432 }] } }, {});
    const logs = [previous('{"level":"info","msg":"connecting to database"}\nError: connect ECONNREFUSED 10.96.41.7:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)\n')];
    const [f] = analyze([deploy, rs, p, db], logs);
    expect(f!.rootCause.category).toBe('dependency-unreachable');
    expect(f!.related).toEqual([{ kind: 'Service', namespace: 'shop', name: 'orders-db' }]);
    expect(f!.rootCause.explanation).toContain('10.96.41.7:5432: service shop/orders-db');
  });

  it('prefers a fatal cause over a warning logged before it', () => {
    const p = crashingPod(POD);
    const logs = [previous('level=warn msg="config file not found, using defaults" path=/etc/orders/config.yaml\nlevel=fatal msg="cannot reach broker" err="dial tcp: lookup rabbitmq.shop.svc.cluster.local on 10.96.0.10:53: no such host"\n')];
    const [f] = analyze([deploy, rs, p], logs);
    expect(f!.rootCause.category).toBe('dependency-unreachable');
  });

  it('reports permission denied from the log', () => {
    const p = crashingPod(POD);
    const [f] = analyze([deploy, rs, p], [previous('Error: EACCES: permission denied, open \'/data/orders.db\'\n')]);
    expect(f!.rootCause.category).toBe('permission-denied');
  });

  it('quotes the exception line of a Python traceback that ends in a missing setting', () => {
    const p = crashingPod(POD);
    const text = 'Traceback (most recent call last):\n  File "/app/main.py", line 4, in <module>\n    DB = os.environ["DATABASE_URL"]\n  File "/usr/local/lib/python3.12/os.py", line 714, in __getitem__\n    raise KeyError(key) from None\nKeyError: \'DATABASE_URL\'\n';
    const [f] = analyze([deploy, rs, p], [previous(text)]);
    expect(f!.rootCause.category).toBe('missing-config');
    expect(f!.evidence.map((e) => e.quote)).toContain("KeyError: 'DATABASE_URL'");
  });

  it('quotes the panic line of a Go crash as an application error', () => {
    const p = crashingPod(POD, { exitCode: 2 });
    const text = 'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6a1b2c]\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:42 +0x2c\n';
    const [f] = analyze([deploy, rs, p], [previous(text)]);
    expect(f!.rootCause.category).toBe('application-error');
    expect(f!.evidence.find((e) => e.source === 'log')!.quote).toBe('panic: runtime error: invalid memory address or nil pointer dereference');
    expect(f!.confidence).toBeLessThan(0.9);
  });

  it('redacts secrets in the quoted log line', () => {
    const p = crashingPod(POD);
    const [f] = analyze([deploy, rs, p], [previous('FATAL: could not connect to server: postgres://orders:s3cr3t-pass@db.shop:5432/orders connection refused\n')]);
    const quote = f!.evidence.find((e) => e.source === 'log')!.quote;
    expect(quote).not.toContain('s3cr3t-pass');
    expect(quote).toContain('[REDACTED]');
  });

  it('reads a runtime StartError as a bad command', () => {
    const message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "orders-server": executable file not found in $PATH: unknown';
    const p = crashingPod(POD, { reason: 'StartError', exitCode: 128, message });
    const [f] = analyze([deploy, rs, p]);
    expect(f!.rootCause.category).toBe('bad-command');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f!.evidence.map((e) => e.quote).join('\n')).toContain('executable file not found in $PATH');
  });

  it('reads exit code 127 without logs as a bad command', () => {
    const [f] = analyze([deploy, rs, crashingPod(POD, { exitCode: 127 })]);
    expect(f!.rootCause.category).toBe('bad-command');
    expect(f!.rootCause.explanation).toContain('command not found');
  });

  it('reports a process that exits 0 under restartPolicy Always as a completed non-daemon', () => {
    const [f] = analyze([deploy, rs, crashingPod(POD, { reason: 'Completed', exitCode: 0 })]);
    expect(f!.rootCause.category).toBe('completed-non-daemon');
    expect(f!.fixes).toEqual([]);
  });

  it('says the previous logs are needed when there are none and the exit code is generic', () => {
    const [f] = analyze([deploy, rs, crashingPod(POD)]);
    expect(f!.rootCause.category).toBe('unknown');
    expect(f!.rootCause.explanation).toContain(`kubectl logs --previous -n shop ${POD} -c app`);
  });

  it('leaves OOM-killed and liveness-killed crash loops to their analyzers', () => {
    const oom = crashingPod(POD, { reason: 'OOMKilled', exitCode: 137 });
    const probed = crashingPod('orders-7d9c6b5f4-k8p2d', { reason: 'Error', exitCode: 137 });
    const killing = event(probed, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { count: 6 });
    expect(analyze([deploy, rs, oom, probed, killing])).toEqual([]);
  });

  it('proposes a rollback when the newest ReplicaSet crashes while the previous one is ready', () => {
    const rolling = deployment('shop', 'orders', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '4' } } });
    const old = replicaSet(rolling, '5c8d7f9b6', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '3' } }, status: { replicas: 2, readyReplicas: 2 } });
    const fresh = replicaSet(rolling, '7d9c6b5f4', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '4' } }, status: { replicas: 1, readyReplicas: 0 } });
    const p = crashingPod(POD, {}, fresh);
    const [f] = analyze([rolling, old, fresh, p, pod('shop', 'orders-5c8d7f9b6-aaaaa', {}, old)], [previous('panic: unknown flag --listen-addr\n')]);
    expect(f!.severity).toBe('warning');
    expect(f!.fixes.map((x) => x.verb)).toEqual(['rollout-undo']);
    expect(f!.fixes[0]!.change).toEqual({ toRevision: 3 });
  });

  it('proposes no rollback when no earlier revision ran', () => {
    const [f] = analyze([deploy, rs, crashingPod(POD)], [previous('panic: boom\n')]);
    expect(f!.fixes).toEqual([]);
  });

  it('catches a container restarting repeatedly between back-offs', () => {
    const p = crashingPod(POD, { running: true, restarts: 4, finishedMin: 2 });
    const [f] = analyze([deploy, rs, p, backOff(p, 3)], [previous('Error: connect ETIMEDOUT 10.0.3.4:6379\n')]);
    expect(f!.rootCause.category).toBe('dependency-unreachable');
  });

  it('does not take an image pull back-off for a restart back-off', () => {
    const p = crashingPod(POD, { running: true, restarts: 4, finishedMin: 2 });
    const pull = event(p, 'Normal', 'BackOff', 'Back-off pulling image "registry.example.com/orders:2.3.1"', { minutesAgo: 1, involvedObject: { fieldPath: 'spec.containers{app}' } });
    expect(analyze([deploy, rs, p, pull])).toEqual([]);
    expect(analyze([deploy, rs, p, backOff(p, 1)])).toHaveLength(1);
  });

  it('gives no finding for a pod that restarted once long ago and runs fine', () => {
    const p = crashingPod(POD, { running: true, restarts: 1, finishedMin: 3 * 24 * 60 });
    (p.status as { conditions: unknown[] }).conditions = [{ type: 'Ready', status: 'True' }];
    expect(analyze([deploy, rs, p])).toEqual([]);
  });

  it('gives no finding for a container that restarted often but not lately', () => {
    const p = crashingPod(POD, { running: true, restarts: 9, finishedMin: 6 * 60 });
    expect(analyze([deploy, rs, p, backOff(p, 6 * 60)])).toEqual([]);
  });
});
