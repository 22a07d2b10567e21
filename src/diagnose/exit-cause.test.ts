import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/objects.js';
import { ago, event, graphOf, log, pod } from '../../test/k8s.js';
import { diagnoseExit, isKill, reportedKill } from './exit-cause.js';
import { containersOf, type PodObj } from './pod-state.js';

/** A pod whose container `app` was terminated `minutesAgo`, now waiting or running again. */
function terminated(term: { reason: string; exitCode: number; message?: string }, over: { restarts?: number; minutesAgo?: number; running?: boolean } = {}): KubeObject {
  const { restarts = 4, minutesAgo = 2, running = false } = over;
  return pod('shop', 'checkout-1', {
    status: {
      containerStatuses: [{
        name: 'app', ready: running, restartCount: restarts, image: 'x', imageID: '',
        state: running ? { running: { startedAt: ago(minutesAgo - 1) } } : { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { ...term, startedAt: ago(minutesAgo + 1), finishedAt: ago(minutesAgo) } },
      }],
    },
  });
}

function killOf(p: KubeObject, more: KubeObject[] = []) {
  const view = containersOf(p as PodObj)[0]!;
  return reportedKill(graphOf([p, ...more]), p as PodObj, view);
}

describe('kills', () => {
  it('calls OOMKilled and exit 137 kills, but not the kubelet\'s ContainerStatusUnknown placeholder', () => {
    expect(isKill({ reason: 'OOMKilled', exitCode: 137 })).toBe(true);
    expect(isKill({ reason: 'Error', exitCode: 137 })).toBe(true);
    expect(isKill({ reason: 'ContainerStatusUnknown', exitCode: 137 })).toBe(false);
    expect(isKill({ reason: 'Error', exitCode: 1 })).toBe(false);
  });

  it('reports a recent OOM kill and a repeated SIGKILL, not an old one-off kill of a container that runs again', () => {
    expect(killOf(terminated({ reason: 'OOMKilled', exitCode: 137 }))?.where).toBe('lastState');
    expect(killOf(terminated({ reason: 'Error', exitCode: 137 }))).toBeDefined();
    expect(killOf(terminated({ reason: 'Error', exitCode: 137 }, { restarts: 1, running: true }))).toBeUndefined();
    expect(killOf(terminated({ reason: 'OOMKilled', exitCode: 137 }, { restarts: 1, running: true, minutesAgo: 3 * 24 * 60 }))).toBeUndefined();
  });

  it('leaves a SIGKILL the kubelet explains as a probe kill to the ProbeFailure analyzer', () => {
    const p = terminated({ reason: 'Error', exitCode: 137 });
    const killing = event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { minutesAgo: 2 });
    expect(killOf(p, [killing])).toBeUndefined();
  });
});

describe('diagnoseExit', () => {
  it('reads the cause from the previous instance\'s log, and a shell\'s exit 127 as a bad command', () => {
    const crashed = terminated({ reason: 'Error', exitCode: 1 });
    const view = containersOf(crashed as PodObj)[0]!;
    const logs = [log('shop', 'checkout-1', 'starting\nError: environment variable DATABASE_URL is not set\n', { previous: true })];
    const d = diagnoseExit(graphOf([crashed], logs), crashed as PodObj, view, view.status!.lastState!.terminated!, true);
    expect(d.category).toBe('missing-config');
    expect(d.evidence.map((e) => e.quote)).toEqual(['Error: environment variable DATABASE_URL is not set']);

    const missing = terminated({ reason: 'Error', exitCode: 127 });
    const shell = containersOf(missing as PodObj)[0]!;
    expect(diagnoseExit(graphOf([missing]), missing as PodObj, shell, shell.status!.lastState!.terminated!, true).category).toBe('bad-command');
  });
});
