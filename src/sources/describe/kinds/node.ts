/**
 * `kubectl describe node`: taints, unschedulable, conditions, addresses, capacity, allocatable,
 * system info, and the `Non-terminated Pods:` table. A pod of that table becomes a partial Pod bound
 * to the node (namespace, name, spec.nodeName, its requests and limits) only when the input holds
 * no describe block of that pod; it carries no labels, since describe does not show them there, and
 * one container without a name, since describe shows only the pod's totals.
 */
import type { KubeObject } from '../../../cluster/objects.js';
import type { ReadContext } from '../context.js';
import { child, valueLines, valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf, PARTIAL_ANNOTATION, SOURCE_ANNOTATION } from '../meta.js';
import { withEvents, type BlockRead } from '../reader.js';
import { tableRows } from '../table.js';
import { boolOf, isoTime, present, resourceList } from '../values.js';

const NODE_INFO: Record<string, string> = {
  'Machine ID': 'machineID', 'System UUID': 'systemUUID', 'Boot ID': 'bootID', 'Kernel Version': 'kernelVersion',
  'OS Image': 'osImage', 'Operating System': 'operatingSystem', Architecture: 'architecture',
  'Container Runtime Version': 'containerRuntimeVersion', 'Kubelet Version': 'kubeletVersion', 'Kube-Proxy Version': 'kubeProxyVersion',
};

export function readNode(fields: Field[], ctx: ReadContext): BlockRead {
  const metadata = metadataOf(fields, ctx, false);
  const spec: Record<string, unknown> = {};
  const status: Record<string, unknown> = {};

  const taints = taintsOf(child(fields, 'Taints'));
  if (taints.length > 0) spec['taints'] = taints;
  if (boolOf(valueOf(fields, 'Unschedulable'))) spec['unschedulable'] = true;
  const podCIDR = present(valueOf(fields, 'PodCIDR'));
  if (podCIDR) spec['podCIDR'] = podCIDR;
  const podCIDRs = present(valueOf(fields, 'PodCIDRs'));
  if (podCIDRs) spec['podCIDRs'] = podCIDRs.split(',');
  const providerID = present(valueOf(fields, 'ProviderID'));
  if (providerID) spec['providerID'] = providerID;

  const conditions = tableRows(child(fields, 'Conditions')).map((r) => {
    const [type = '', condStatus = '', heartbeat = '', transition = '', reason = '', message = ''] = r.cells;
    const c: Record<string, string> = { type, status: condStatus };
    const hb = isoTime(heartbeat);
    if (hb) c['lastHeartbeatTime'] = hb;
    const tr = isoTime(transition);
    if (tr) c['lastTransitionTime'] = tr;
    if (reason) c['reason'] = reason;
    if (message) c['message'] = message;
    return c;
  });
  if (conditions.length > 0) status['conditions'] = conditions;
  const addresses = (child(fields, 'Addresses')?.children ?? []).flatMap((a) => (a.key ? [{ type: a.key, address: a.value }] : []));
  if (addresses.length > 0) status['addresses'] = addresses;
  const capacity = resourceList(child(fields, 'Capacity'));
  if (Object.keys(capacity).length > 0) status['capacity'] = capacity;
  const allocatable = resourceList(child(fields, 'Allocatable'));
  if (Object.keys(allocatable).length > 0) status['allocatable'] = allocatable;
  const info = child(fields, 'System Info');
  if (info) {
    const nodeInfo: Record<string, string> = Object.fromEntries(Object.values(NODE_INFO).map((k) => [k, '']));
    for (const f of info.children) if (f.key && NODE_INFO[f.key]) nodeInfo[NODE_INFO[f.key]!] = f.value;
    status['nodeInfo'] = nodeInfo;
  }

  const node = objectOf('Node', metadata, { spec, status });
  return { objects: withEvents(node, fields), partial: podsOf(child(fields, 'Non-terminated Pods'), metadata.name) };
}

/** `node.kubernetes.io/memory-pressure:NoSchedule` and `dedicated=gpu:NoSchedule` lines (Taint.ToString). */
function taintsOf(field: Field | undefined): Record<string, string>[] {
  if (!field) return [];
  return valueLines(field).flatMap((line) => {
    const colon = line.lastIndexOf(':');
    if (line === '<none>' || colon < 0) return [];
    const keyValue = line.slice(0, colon);
    const eq = keyValue.indexOf('=');
    const taint: Record<string, string> = { key: eq < 0 ? keyValue : keyValue.slice(0, eq), effect: line.slice(colon + 1) };
    if (eq >= 0) taint['value'] = keyValue.slice(eq + 1);
    return [taint];
  });
}

/** `250m (6%)` → `250m`; zero means unset. */
function quantityCell(cell: string | undefined): string | undefined {
  const q = (cell ?? '').replace(/\s*\(\d+%\)$/, '');
  return q === '' || q === '0' ? undefined : q;
}

/** The rows of `Non-terminated Pods:` as partial pods on this node. */
function podsOf(section: Field | undefined, nodeName: string): KubeObject[] {
  return tableRows(section).flatMap((r) => {
    const [namespace, name, cpuReq, cpuLim, memReq, memLim] = r.cells;
    if (!namespace || !name) return [];
    const requests: Record<string, string> = {};
    const limits: Record<string, string> = {};
    for (const [list, key, cell] of [[requests, 'cpu', cpuReq], [limits, 'cpu', cpuLim], [requests, 'memory', memReq], [limits, 'memory', memLim]] as const) {
      const q = quantityCell(cell);
      if (q) list[key] = q;
    }
    const container: Record<string, unknown> = { name: '' };
    if (Object.keys(requests).length + Object.keys(limits).length > 0) {
      container['resources'] = { ...(Object.keys(requests).length > 0 ? { requests } : {}), ...(Object.keys(limits).length > 0 ? { limits } : {}) };
    }
    const metadata = { name, namespace, annotations: { [SOURCE_ANNOTATION]: 'describe', [PARTIAL_ANNOTATION]: 'true' } };
    return [objectOf('Pod', metadata, { spec: { nodeName, containers: [container] } })];
  });
}
