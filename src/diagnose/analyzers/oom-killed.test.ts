import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, deployment, event, graphOf, log, node, pod, replicaSet } from '../../../test/k8s.js';
import { oomKilledAnalyzer } from './oom-killed.js';

const deploy = deployment('shop', 'checkout', { status: { replicas: 2, readyReplicas: 0, availableReplicas: 0 } });
const rs = replicaSet(deploy, '6f7b9c');

/** A container of `checkout` whose last instance was killed, now waiting in CrashLoopBackOff. */
function killedPod(name: string, over: { reason?: string; exitCode?: number; restarts?: number; startedMin?: number; finishedMin?: number; running?: boolean; limits?: object; requests?: object; podStartMin?: number } = {}): KubeObject {
  const { reason = 'OOMKilled', exitCode = 137, restarts = 5, startedMin = 3, finishedMin = 1, running = false, podStartMin = 60 } = over;
  const state = running
    ? { running: { startedAt: ago(finishedMin - 0.1) } }
    : { waiting: { reason: 'CrashLoopBackOff', message: `back-off 2m40s restarting failed container=app pod=${name}_shop(uid)` } };
  return pod('shop', name, {
    spec: {
      nodeName: 'node-1', restartPolicy: 'Always',
      containers: [{ name: 'app', image: 'registry.example.com/checkout:1.4.2', resources: { requests: over.requests ?? { cpu: '100m', memory: '128Mi' }, limits: over.limits ?? { memory: '256Mi' } } }],
    },
    status: {
      startTime: ago(podStartMin),
      conditions: [{ type: 'Ready', status: running ? 'True' : 'False' }],
      containerStatuses: [{
        name: 'app', ready: running, restartCount: restarts, image: 'registry.example.com/checkout:1.4.2', imageID: '', state,
        lastState: { terminated: { reason, exitCode, startedAt: ago(startedMin), finishedAt: ago(finishedMin) } },
      }],
    },
  }, rs);
}

function analyze(objects: KubeObject[], logs: ReturnType<typeof log>[] = []) {
  return oomKilledAnalyzer.analyze(graphOf(objects, logs));
}

describe('oomKilledAnalyzer', () => {
  it('reports each replica killed at its own limit, with a patch raising the limit by the headroom rule', () => {
    const a = killedPod('checkout-6f7b9c-x2x7q');
    const b = killedPod('checkout-6f7b9c-k8p2d');
    const findings = analyze([node('node-1'), deploy, rs, a, b]);
    expect(findings).toHaveLength(2);
    const f = findings[0]!;
    expect(f.mode).toBe('OOMKilled');
    expect(f.rootCause.category).toBe('memory-limit-too-low');
    expect(f.culprit).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    expect(f.severity).toBe('critical');
    expect(f.confidence).toBeGreaterThanOrEqual(0.9);
    const quotes = f.evidence.map((e) => e.quote).join('\n');
    expect(quotes).toContain('Reason: OOMKilled, Exit Code: 137');
    expect(quotes).toContain('resources.limits.memory: 256Mi');
    const plan = f.fixes[0]!;
    expect(plan.verb).toBe('patch');
    expect(plan.target).toMatchObject({ kind: 'Deployment', name: 'checkout' });
    // max(256Mi × 1.5, 256Mi + 128Mi) = 384Mi, already a multiple of 64Mi.
    expect(JSON.stringify(plan.change)).toContain('"memory":"384Mi"');
    expect(JSON.stringify(plan.change)).not.toContain('requests');
    expect(JSON.stringify(plan.inverse?.change)).toContain('"memory":"256Mi"');
  });

  it('raises the request with the limit when they are equal, and adds 128Mi to small limits', () => {
    const p = killedPod('checkout-6f7b9c-x2x7q', { limits: { memory: '100Mi' }, requests: { memory: '100Mi' } });
    const [f] = analyze([deploy, rs, p]);
    // max(150Mi, 228Mi) = 228Mi, rounded up to 256Mi.
    expect(f!.fixes[0]!.change).toEqual({ type: 'strategic', patch: { spec: { template: { spec: { containers: [{ name: 'app', resources: { limits: { memory: '256Mi' }, requests: { memory: '256Mi' } } }] } } } } });
    expect(f!.fixes[0]!.summary).toContain('(was 100Mi)');
  });

  it('is warning, not critical, while another replica is ready', () => {
    const healthy = pod('shop', 'checkout-6f7b9c-abcde', {}, rs);
    const [f] = analyze([deploy, rs, killedPod('checkout-6f7b9c-x2x7q'), healthy]);
    expect(f!.severity).toBe('warning');
  });

  it('calls repeated kills after a long, similar lifetime a leak, with honest confidence', () => {
    // Started 3 days ago, killed 6 times: one kill every ~12h; the last instance ran 11h.
    const p = killedPod('checkout-6f7b9c-x2x7q', { restarts: 6, podStartMin: 3 * 24 * 60, startedMin: 11 * 60 + 120, finishedMin: 120, running: true });
    const [f] = analyze([deploy, rs, p]);
    expect(f!.rootCause.category).toBe('memory-leak');
    expect(f!.confidence).toBeLessThan(0.8);
    expect(f!.rootCause.explanation).toMatch(/killed 6 times/);
    expect(f!.fixes[0]!.reason).toMatch(/spaces the kills out/);
  });

  it('calls a log whose heap only grows a leak and quotes the first and last figures', () => {
    const p = killedPod('checkout-6f7b9c-x2x7q', { restarts: 2 });
    const text = ['heap_used=120MiB', 'heap_used=151MiB', 'heap_used=198MiB', 'heap_used=240MiB'].map((l) => `level=info msg="gc stats" ${l}`).join('\n');
    const [f] = analyze([deploy, rs, p], [log('shop', 'checkout-6f7b9c-x2x7q', text, { container: 'app', previous: true })]);
    expect(f!.rootCause.category).toBe('memory-leak');
    expect(f!.evidence.filter((e) => e.source === 'log').map((e) => e.quote)).toEqual([
      'level=info msg="gc stats" heap_used=120MiB', 'level=info msg="gc stats" heap_used=240MiB',
    ]);
  });

  it('blames the node when the kubelet recorded a system OOM at the time of the kill', () => {
    const n = node('node-1');
    const p = killedPod('checkout-6f7b9c-x2x7q', { finishedMin: 5 });
    const systemOom = event(n, 'Warning', 'SystemOOM', 'System OOM encountered, victim process: checkout, pid: 31544', { minutesAgo: 5 });
    const greedy = pod('batch', 'feed-import-7f9c-abcde', { spec: { nodeName: 'node-1', containers: [{ name: 'import', image: 'x', resources: {} }] } });
    const [f] = analyze([n, deploy, rs, p, systemOom, greedy]);
    expect(f!.rootCause.category).toBe('node-memory-pressure');
    expect(f!.rootCause.explanation).toContain('without a memory limit, free to take what the others need: batch/feed-import-7f9c-abcde');
    expect(f!.rootCause.explanation).toContain('memory limits on the pods that have none');
    expect(f!.culprit).toEqual({ kind: 'Node', name: 'node-1' });
    expect(f!.fixes).toEqual([]);
    expect(f!.evidence.map((e) => e.quote).join('\n')).toContain('System OOM encountered, victim process: checkout');
  });

  it('ignores a system OOM long before the kill', () => {
    const n = node('node-1');
    const systemOom = event(n, 'Warning', 'SystemOOM', 'System OOM encountered, victim process: java, pid: 812', { minutesAgo: 600 });
    const [f] = analyze([n, deploy, rs, killedPod('checkout-6f7b9c-x2x7q'), systemOom]);
    expect(f!.rootCause.category).toBe('memory-limit-too-low');
  });

  it('keeps the container\'s own limit when the kernel reports a memory cgroup OOM despite node pressure', () => {
    const n = node('node-1', { status: { conditions: [{ type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }] } });
    const cgroup = event(n, 'Warning', 'OOMKilling', 'Memory cgroup out of memory: Killed process 4121 (checkout) total-vm:1894232kB, anon-rss:262000kB', { minutesAgo: 1 });
    const [f] = analyze([n, deploy, rs, killedPod('checkout-6f7b9c-x2x7q'), cgroup]);
    expect(f!.rootCause.category).toBe('memory-limit-too-low');
  });

  it('blames the node for a container with no memory limit, quoting the overcommit', () => {
    const n = node('node-1');
    const p = killedPod('checkout-6f7b9c-x2x7q', { limits: {} });
    const hog = pod('shop', 'batch-1', { spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'x', resources: { limits: { memory: '20Gi' } } }] } });
    const [f] = analyze([n, deploy, rs, p, hog]);
    expect(f!.rootCause.category).toBe('node-memory-pressure');
    expect(f!.rootCause.explanation).toContain('has no memory limit');
    expect(f!.evidence.map((e) => e.quote).join('\n')).toMatch(/memory limits 20Gi \(133%\) of 15Gi allocatable/);
  });

  it('does not call exit 137 from a liveness kill an OOM kill: the probe analyzer owns it', () => {
    const p = killedPod('checkout-6f7b9c-x2x7q', { reason: 'Error' });
    const killing = event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { count: 5 });
    expect(analyze([deploy, rs, p, killing])).toEqual([]);
  });

  it('does not let an old probe kill explain a later SIGKILL', () => {
    const p = killedPod('checkout-6f7b9c-x2x7q', { reason: 'Error' });
    const old = event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { minutesAgo: 180 });
    expect(analyze([deploy, rs, p, old]).map((f) => f.rootCause.category)).toEqual(['unknown']);
  });

  it('reports exit 137 without OOMKilled and without a probe kill as unknown SIGKILL', () => {
    const [f] = analyze([deploy, rs, killedPod('checkout-6f7b9c-x2x7q', { reason: 'Error' })]);
    expect(f!.rootCause.category).toBe('unknown');
    expect(f!.rootCause.explanation).toMatch(/SIGKILL/);
    expect(f!.rootCause.explanation).toMatch(/not an out-of-memory kill/);
    expect(f!.fixes).toEqual([]);
  });

  it('ignores a single SIGKILL of a container that runs again, but not repeated ones', () => {
    const once = killedPod('checkout-6f7b9c-x2x7q', { reason: 'Error', restarts: 1, running: true, finishedMin: 20, startedMin: 50 });
    expect(analyze([deploy, rs, once])).toEqual([]);
    const again = killedPod('checkout-6f7b9c-x2x7q', { reason: 'Error', restarts: 3, running: true, finishedMin: 20, startedMin: 50 });
    expect(analyze([deploy, rs, again]).map((f) => f.rootCause.category)).toEqual(['unknown']);
  });

  it('trusts metrics showing the container at its limit over node pressure', () => {
    const n = node('node-1', { status: { conditions: [{ type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }] } });
    const p = killedPod('checkout-6f7b9c-x2x7q');
    const metrics = { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', metadata: { name: 'checkout-6f7b9c-x2x7q', namespace: 'shop' }, containers: [{ name: 'app', usage: { cpu: '120m', memory: '251Mi' } }] } as KubeObject;
    const [f] = analyze([n, deploy, rs, p, metrics]);
    expect(f!.rootCause.category).toBe('memory-limit-too-low');
    expect(f!.evidence.find((e) => e.source === 'metric')!.quote).toBe('app memory usage: 251Mi');
    const [g] = analyze([n, deploy, rs, p]);
    expect(g!.rootCause.category).toBe('node-memory-pressure');
  });

  it('gives no finding for one OOM kill two days ago followed by a stable container', () => {
    const p = killedPod('checkout-6f7b9c-x2x7q', { restarts: 1, running: true, podStartMin: 5 * 24 * 60, startedMin: 2 * 24 * 60 + 30, finishedMin: 2 * 24 * 60 });
    expect(analyze([deploy, rs, p])).toEqual([]);
  });

  it('reports a single kill within the last hour even when the container runs again', () => {
    const p = killedPod('checkout-6f7b9c-x2x7q', { restarts: 1, running: true, finishedMin: 20, startedMin: 50 });
    expect(analyze([deploy, rs, p])).toHaveLength(1);
  });

  it('skips evicted pods and the kubelet\'s ContainerStatusUnknown placeholder', () => {
    const evicted = killedPod('checkout-6f7b9c-x2x7q', { reason: 'Error' });
    (evicted.status as Record<string, unknown>)['reason'] = 'Evicted';
    const lost = killedPod('checkout-6f7b9c-k8p2d', { reason: 'ContainerStatusUnknown' });
    expect(analyze([deploy, rs, evicted, lost])).toEqual([]);
  });

  it('proposes no patch for a bare pod and says why', () => {
    const bare = killedPod('scratch');
    bare.metadata.ownerReferences = [];
    const [f] = analyze([bare]);
    expect(f!.fixes).toEqual([]);
    expect(f!.rootCause.explanation).toContain('bare pod');
  });

  it('ignores a failed Job pod once its CronJob has succeeded since', () => {
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'shop', uid: 'cron-1' }, spec: {}, status: { lastSuccessfulTime: ago(10) } } as KubeObject;
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'report-29000000', namespace: 'shop', uid: 'job-1', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'cron-1', controller: true }] }, spec: {}, status: {} } as KubeObject;
    const failed = pod('shop', 'report-29000000-abcde', {
      spec: { restartPolicy: 'Never' },
      status: { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: ago(70), finishedAt: ago(65) } } }] },
    }, job);
    expect(analyze([cron, job, failed])).toEqual([]);
    (cron.status as Record<string, unknown>)['lastSuccessfulTime'] = ago(600);
    expect(analyze([cron, job, failed]).map((f) => f.culprit.kind)).toEqual(['CronJob']);
  });
});
