/**
 * Pod-level status derived from container statuses, as pkg/kubelet/status and kubelet_pods.go do:
 * the phase and the PodReadyToStartContainers / Initialized / Ready / ContainersReady conditions.
 */
import type { ContainerStatus } from '../../cluster/objects.js';

type Obj = Record<string, unknown>;

/** Whether a container status counts as ended for good or restarting (a waiting one that ran before). */
function stopped(s: ContainerStatus): boolean {
  return s.state?.terminated !== undefined || (s.state?.waiting !== undefined && s.lastState?.terminated !== undefined);
}

/** The pod phase (getPhase): init failures with Never fail the pod; otherwise app containers decide. */
export function podPhase(restartPolicy: string, init: ContainerStatus[], app: ContainerStatus[], initDone: boolean): string {
  if (!initDone) {
    const failedInit = init.some((s) => (s.state?.terminated?.exitCode ?? 0) !== 0);
    return failedInit && restartPolicy === 'Never' ? 'Failed' : 'Pending';
  }
  const running = app.filter((s) => s.state?.running !== undefined).length;
  const waitingFresh = app.filter((s) => s.state?.waiting !== undefined && !stopped(s)).length;
  const ended = app.filter((s) => stopped(s));
  const succeeded = ended.filter((s) => s.state?.terminated?.exitCode === 0).length;
  if (waitingFresh > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (ended.length === app.length && app.length > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (succeeded === ended.length) return 'Succeeded';
    if (restartPolicy === 'OnFailure') return 'Running';
    return 'Failed';
  }
  return 'Pending';
}

function cond(type: string, ok: boolean, now: string, previous: Obj[], reason?: string, message?: string): Obj {
  const status = ok ? 'True' : 'False';
  const before = previous.find((c) => c['type'] === type);
  const lastTransitionTime = before && before['status'] === status ? before['lastTransitionTime'] : now;
  const c: Obj = { type, status, lastProbeTime: null, lastTransitionTime };
  if (!ok && reason !== undefined) c['reason'] = reason;
  if (!ok && message !== undefined) c['message'] = message;
  return c;
}

/** The pod conditions the kubelet owns, plus PodScheduled kept (or set True). */
export function podConditions(init: ContainerStatus[], app: ContainerStatus[], initDone: boolean, phase: string, sandboxReady: boolean, now: string, previous: Obj[]): Obj[] {
  const incompleteInit = init.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const unready = app.filter((s) => !s.ready).map((s) => s.name);
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const readyReason = finished ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = finished ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const allReady = unready.length === 0 && !finished;
  const scheduled = previous.find((c) => c['type'] === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
  return [
    cond('PodReadyToStartContainers', sandboxReady && !finished, now, previous),
    cond('Initialized', initDone, now, previous, finished ? 'PodCompleted' : 'ContainersNotInitialized', finished ? undefined : `containers with incomplete status: [${incompleteInit.join(' ')}]`),
    cond('Ready', allReady, now, previous, readyReason, readyMessage),
    cond('ContainersReady', allReady, now, previous, readyReason, readyMessage),
    scheduled,
  ];
}
