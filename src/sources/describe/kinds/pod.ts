/**
 * `kubectl describe pod`: metadata, spec (containers, volumes, scheduling constraints) and status
 * (phase, reason and message of evicted pods, conditions, container states).
 */
import type { PodStatus } from 'kubernetes-types/core/v1.js';
import type { ReadContext } from '../context.js';
import { child, messageText, valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf, type DescribedMeta } from '../meta.js';
import { readPodSpec } from '../pod-spec.js';
import { withEvents, type BlockRead } from '../reader.js';
import type { Block } from '../text.js';
import { tableRows } from '../table.js';
import { isoTime, present } from '../values.js';

export function readPod(fields: Field[], ctx: ReadContext, block: Block): BlockRead {
  const metadata = metadataOf(fields, ctx, true, block.prompt?.namespace);
  const { spec, containerStatuses, initContainerStatuses } = readPodSpec(fields, ctx);
  const status: PodStatus = {};

  const node = present(valueOf(fields, 'Node'));
  if (node) {
    const slash = node.indexOf('/');
    spec.nodeName = slash < 0 ? node : node.slice(0, slash);
    const hostIP = slash < 0 ? '' : node.slice(slash + 1);
    if (hostIP) status.hostIP = hostIP;
  }
  const startTime = isoTime(valueOf(fields, 'Start Time') ?? '');
  if (startTime) {
    status.startTime = startTime;
    // Describe prints no creation time for pods; the start time is the nearest it gives.
    metadata.creationTimestamp ??= startTime;
  }
  readPhase(fields, ctx, status, metadata);
  const reason = present(valueOf(fields, 'Reason'));
  if (reason) status.reason = reason;
  const message = child(fields, 'Message');
  if (message && message.value !== '') status.message = messageText(message);
  const ip = present(valueOf(fields, 'IP'));
  if (ip) status.podIP = ip;
  const ips = (child(fields, 'IPs')?.children ?? []).filter((c) => c.key === 'IP').map((c) => ({ ip: c.value }));
  if (ips.length > 0) status.podIPs = ips;
  const nominated = present(valueOf(fields, 'NominatedNodeName'));
  if (nominated) status.nominatedNodeName = nominated;
  const conditions = tableRows(child(fields, 'Conditions')).map((r) => ({ type: r.cells[0] ?? '', status: r.cells[1] ?? '' }));
  if (conditions.length > 0) status.conditions = conditions;
  const qos = present(valueOf(fields, 'QoS Class'));
  if (qos) status.qosClass = qos;
  if (initContainerStatuses.length > 0) status.initContainerStatuses = initContainerStatuses;
  if (containerStatuses.length > 0) status.containerStatuses = containerStatuses;

  return { objects: withEvents(objectOf('Pod', metadata, { spec, status }), fields) };
}

/** `Status:  Running`, or `Terminating (lasts 2m)` for a pod being deleted (its phase is then not shown). */
function readPhase(fields: Field[], ctx: ReadContext, status: PodStatus, metadata: DescribedMeta): void {
  const phase = present(valueOf(fields, 'Status'));
  if (!phase) return;
  if (!phase.startsWith('Terminating')) {
    status.phase = phase;
    return;
  }
  const grace = child(fields, 'Termination Grace Period');
  if (grace) metadata.deletionGracePeriodSeconds = ctx.int(grace, grace.value.replace(/s$/, ''));
}
