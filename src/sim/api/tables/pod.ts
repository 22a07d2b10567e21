/**
 * The pod table (`printPod`): READY counts ready regular containers (and started sidecars), STATUS is
 * the pod's phase or reason overridden by the first init container still initialising, then by the
 * containers' waiting or terminated reasons (`CrashLoopBackOff`, `OOMKilled`, `Completed`, `Error`,
 * `ExitCode:N` ...), `Terminating` while deleted; RESTARTS reads `5 (2m ago)`.
 */
import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { FIELD_DOCS } from './descriptions.js';
import { AGE_COLUMN, NAME_COLUMN } from './format.js';
import { humanDuration, parseTime, since } from './human-duration.js';
import { column } from './types.js';
import type { Printer, PrintedRow, RowCondition } from './types.js';

const SUCCEEDED: RowCondition = { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' };
const FAILED: RowCondition = { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' };

/** Restart count and the most recent restart, in ms. */
interface Restarts {
  count: number;
  last: number | undefined;
}

function noteRestarts(restarts: Restarts, status: ContainerStatus): void {
  restarts.count += status.restartCount;
  const finished = parseTime(status.lastState?.terminated?.finishedAt);
  if (finished !== undefined && (restarts.last === undefined || restarts.last < finished)) restarts.last = finished;
}

function isRestartable(container: Container | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

function conditionTrue(conditions: readonly PodCondition[] | undefined, type: string): boolean {
  return conditions?.find((c) => c.type === type)?.status === 'True';
}

interface PodState {
  reason: string;
  ready: number;
  total: number;
  all: Restarts;
  sidecars: Restarts;
}

/** Walks the init containers until the first one still initialising; true when one is. */
function readInitContainers(pod: Pod, state: PodState): boolean {
  const specs = new Map((pod.spec?.initContainers ?? []).map((c) => [c.name, c]));
  const statuses = pod.status?.initContainerStatuses ?? [];
  for (const [i, status] of statuses.entries()) {
    noteRestarts(state.all, status);
    const restartable = isRestartable(specs.get(status.name));
    if (restartable) noteRestarts(state.sidecars, status);
    const terminated = status.state?.terminated;
    const waiting = status.state?.waiting;
    if (terminated !== undefined && terminated.exitCode === 0) continue;
    if (restartable && status.started === true) {
      if (status.ready) state.ready++;
      continue;
    }
    if (terminated !== undefined) {
      state.reason = terminated.reason ? `Init:${terminated.reason}`
        : terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      state.reason = `Init:${waiting.reason}`;
    } else {
      state.reason = `Init:${i}/${pod.spec?.initContainers?.length ?? 0}`;
    }
    return true;
  }
  return false;
}

/** The containers, last to first, so that the first container's state has the last word. */
function readContainers(pod: Pod, state: PodState): void {
  state.all = { ...state.sidecars };
  let hasRunning = false;
  for (const status of [...(pod.status?.containerStatuses ?? [])].reverse()) {
    noteRestarts(state.all, status);
    const waiting = status.state?.waiting;
    const terminated = status.state?.terminated;
    if (waiting?.reason) state.reason = waiting.reason;
    else if (terminated?.reason) state.reason = terminated.reason;
    else if (terminated !== undefined) {
      state.reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
    } else if (status.ready && status.state?.running !== undefined) {
      hasRunning = true;
      state.ready++;
    }
  }
  if (state.reason === 'Completed' && hasRunning) {
    state.reason = conditionTrue(pod.status?.conditions, 'Ready') ? 'Running' : 'NotReady';
  }
}

function podState(pod: Pod): PodState {
  const status = pod.status ?? {};
  const state: PodState = {
    reason: status.reason || status.phase || '',
    ready: 0,
    total: (pod.spec?.containers?.length ?? 0) + (pod.spec?.initContainers ?? []).filter(isRestartable).length,
    all: { count: 0, last: undefined },
    sidecars: { count: 0, last: undefined },
  };
  if (status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    state.reason = 'SchedulingGated';
  }
  const initializing = readInitContainers(pod, state);
  if (!initializing || conditionTrue(status.conditions, 'Initialized')) readContainers(pod, state);
  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && status.reason === 'NodeLost') state.reason = 'Unknown';
  else if (deleting && status.phase !== 'Failed' && status.phase !== 'Succeeded') state.reason = 'Terminating';
  return state;
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const passing = gates.filter((gate) => conditionTrue(pod.status?.conditions, gate.conditionType)).length;
  return `${passing}/${gates.length}`;
}

function podRow(object: object, now: Date): PrintedRow {
  const pod = object as Pod;
  const state = podState(pod);
  const { count, last } = state.all;
  const restarts = count !== 0 && last !== undefined
    ? `${count} (${humanDuration(now.getTime() - last)} ago)` : String(count);
  const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
  const cells = [
    pod.metadata?.name ?? '', `${state.ready}/${state.total}`, state.reason, restarts,
    since(pod.metadata?.creationTimestamp, now),
    ip, pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', readinessGates(pod),
  ];
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return { cells, conditions: [SUCCEEDED] };
  if (phase === 'Failed') return { cells, conditions: [FAILED] };
  return { cells };
}

/** The pod printer. */
export const POD_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    column('IP', 'string', FIELD_DOCS.podIP, { priority: 1 }),
    column('Node', 'string', FIELD_DOCS.nodeName, { priority: 1 }),
    column('Nominated Node', 'string', FIELD_DOCS.nominatedNodeName, { priority: 1 }),
    column('Readiness Gates', 'string', FIELD_DOCS.readinessGates, { priority: 1 }),
  ],
  row: podRow,
};
