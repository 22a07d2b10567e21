/**
 * Tables of the core kinds (`printService`, `printEndpoints`, `printNode`, `printNamespace`,
 * `printConfigMap`, `printSecret`, `printServiceAccount`, `printPersistentVolume(Claim)`,
 * `printResourceQuota`).
 */
import type {
  ConfigMap, Endpoints, LoadBalancerIngress, Namespace, Node, PersistentVolume, PersistentVolumeClaim,
  ResourceQuota, Secret, Service, ServiceAccount,
} from 'kubernetes-types/core/v1.js';
import { FIELD_DOCS } from './descriptions.js';
import { accessModes, AGE_COLUMN, formatLabels, hostPort, NAME_COLUMN, quantity } from './format.js';
import { age } from './human-duration.js';
import { column } from './types.js';
import type { Printer } from './types.js';

/** Wider than this, a load-balancer address list is cut to 13 characters and `...` unless printing wide. */
const LOAD_BALANCER_WIDTH = 16;

/** Sorted, unique IPs (or hostnames) of a load balancer (`loadBalancerStatusStringer`). */
export function loadBalancerAddresses(ingress: readonly LoadBalancerIngress[] | undefined, wide: boolean): string {
  const addresses = [...new Set((ingress ?? []).map((i) => i.ip || i.hostname || '').filter((a) => a !== ''))].sort();
  const text = addresses.join(',');
  return !wide && text.length > LOAD_BALANCER_WIDTH ? `${text.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : text;
}

function externalIP(svc: Service, wide: boolean): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc.status?.loadBalancer?.ingress, wide);
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb === '' ? '<pending>' : lb;
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function servicePorts(svc: Service): string {
  const ports = (svc.spec?.ports ?? []).map((p) => {
    const protocol = p.protocol ?? 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
  });
  return ports.length === 0 ? '<none>' : ports.join(',');
}

/** The service printer; `wide` decides whether long load-balancer addresses are cut. */
export function servicePrinter(wide: boolean): Printer {
  return {
    columns: [
      NAME_COLUMN,
      column('Type', 'string', FIELD_DOCS.svcType),
      column('Cluster-IP', 'string', FIELD_DOCS.svcClusterIP),
      column('External-IP', 'string', FIELD_DOCS.svcExternalIPs),
      column('Port(s)', 'string', FIELD_DOCS.svcPorts),
      AGE_COLUMN,
      column('Selector', 'string', FIELD_DOCS.svcSelector, { priority: 1 }),
    ],
    row(object, now) {
      const svc = object as Service;
      const clusterIP = svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? '<none>';
      return {
        cells: [
          svc.metadata?.name ?? '', svc.spec?.type ?? 'ClusterIP', clusterIP || '<none>', externalIP(svc, wide), servicePorts(svc),
          age(svc, now), formatLabels(svc.spec?.selector),
        ],
      };
    },
  };
}

/** Up to three `ip:port` endpoints, then ` + N more...` (`formatEndpoints`). */
export function formatEndpoints(endpoints: Endpoints): string {
  const subsets = endpoints.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const targets = (subset.ports ?? []).length === 0
      ? [addresses.map((a) => a.ip)]
      : (subset.ports ?? []).map((port) => addresses.map((a) => hostPort(a.ip, port.port)));
    for (const group of targets) {
      count += group.length;
      for (const target of group) if (list.length < max) list.push(target);
    }
  }
  const text = list.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

export const ENDPOINTS_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', FIELD_DOCS.endpointsSubsets), AGE_COLUMN],
  row(object, now) {
    const ep = object as Endpoints;
    return { cells: [ep.metadata?.name ?? '', formatEndpoints(ep), age(ep, now)] };
  },
};

/** `Ready` or `NotReady` from the Ready condition, `Unknown` without it, then `SchedulingDisabled` when cordoned. */
function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.findLast((c) => c.type === 'Ready');
  const status = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the `kubernetes.io/role` label, sorted. */
function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role !== '') roles.add(role);
    } else if (key === 'kubernetes.io/role' && value !== '') {
      roles.add(value);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeAddress(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const NODE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', FIELD_DOCS.kubeletVersion),
    column('Internal-IP', 'string', FIELD_DOCS.nodeAddresses, { priority: 1 }),
    column('External-IP', 'string', FIELD_DOCS.nodeAddresses, { priority: 1 }),
    column('OS-Image', 'string', FIELD_DOCS.osImage, { priority: 1 }),
    column('Kernel-Version', 'string', FIELD_DOCS.kernelVersion, { priority: 1 }),
    column('Container-Runtime', 'string', FIELD_DOCS.containerRuntimeVersion, { priority: 1 }),
  ],
  row(object, now) {
    const node = object as Node;
    const info = node.status?.nodeInfo;
    return {
      cells: [
        node.metadata?.name ?? '', nodeStatus(node), nodeRoles(node), age(node, now), info?.kubeletVersion ?? '',
        nodeAddress(node, 'InternalIP'), nodeAddress(node, 'ExternalIP'), info?.osImage || '<unknown>',
        info?.kernelVersion || '<unknown>', info?.containerRuntimeVersion || '<unknown>',
      ],
    };
  },
};

export const NAMESPACE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  row(object, now) {
    const ns = object as Namespace;
    return { cells: [ns.metadata?.name ?? '', ns.status?.phase ?? '', age(ns, now)] };
  },
};

export const CONFIG_MAP_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Data', 'string', FIELD_DOCS.configMapData), AGE_COLUMN],
  row(object, now) {
    const cm = object as ConfigMap;
    const count = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return { cells: [cm.metadata?.name ?? '', count, age(cm, now)] };
  },
};

export const SECRET_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Type', 'string', FIELD_DOCS.secretType), column('Data', 'string', FIELD_DOCS.secretData), AGE_COLUMN],
  row(object, now) {
    const secret = object as Secret;
    return { cells: [secret.metadata?.name ?? '', secret.type ?? '', Object.keys(secret.data ?? {}).length, age(secret, now)] };
  },
};

export const SERVICE_ACCOUNT_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Secrets', 'string', FIELD_DOCS.saSecrets), AGE_COLUMN],
  row(object, now) {
    const sa = object as ServiceAccount;
    return { cells: [sa.metadata?.name ?? '', sa.secrets?.length ?? 0, age(sa, now)] };
  },
};

/** The storage class of a volume or claim: the beta annotation wins over the field. */
function storageClassOf(object: { metadata?: { annotations?: Record<string, string> }; spec?: { storageClassName?: string } }): string {
  return object.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? object.spec?.storageClassName ?? '';
}

export const PV_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Capacity', 'string', FIELD_DOCS.pvCapacity),
    column('Access Modes', 'string', FIELD_DOCS.pvAccessModes),
    column('Reclaim Policy', 'string', FIELD_DOCS.pvReclaimPolicy),
    column('Status', 'string', FIELD_DOCS.pvPhase),
    column('Claim', 'string', FIELD_DOCS.pvClaimRef),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', FIELD_DOCS.pvReason),
    AGE_COLUMN,
    column('VolumeMode', 'string', FIELD_DOCS.pvVolumeMode, { priority: 1 }),
  ],
  row(object, now) {
    const pv = object as PersistentVolume;
    const claim = pv.spec?.claimRef;
    return {
      cells: [
        pv.metadata?.name ?? '', quantity(pv.spec?.capacity?.storage), accessModes(pv.spec?.accessModes),
        pv.spec?.persistentVolumeReclaimPolicy ?? '', pv.metadata?.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '',
        claim === undefined ? '' : `${claim.namespace ?? ''}/${claim.name ?? ''}`, storageClassOf(pv),
        pv.spec?.volumeAttributesClassName ?? '<unset>', pv.status?.reason ?? '', age(pv, now), pv.spec?.volumeMode ?? '<unset>',
      ],
    };
  },
};

export const PVC_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', FIELD_DOCS.pvcPhase),
    column('Volume', 'string', FIELD_DOCS.pvcVolumeName),
    column('Capacity', 'string', FIELD_DOCS.pvcCapacity),
    column('Access Modes', 'string', FIELD_DOCS.pvcAccessModes),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    column('VolumeMode', 'string', FIELD_DOCS.pvcVolumeMode, { priority: 1 }),
  ],
  row(object, now) {
    const pvc = object as PersistentVolumeClaim;
    const bound = (pvc.spec?.volumeName ?? '') !== '';
    return {
      cells: [
        pvc.metadata?.name ?? '', pvc.metadata?.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '',
        pvc.spec?.volumeName ?? '', bound ? quantity(pvc.status?.capacity?.storage) : '',
        bound ? accessModes(pvc.status?.accessModes) : '', storageClassOf(pvc),
        pvc.spec?.volumeAttributesClassName ?? '<unset>', age(pvc, now), pvc.spec?.volumeMode ?? '<unset>',
      ],
    };
  },
};

export const RESOURCE_QUOTA_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    AGE_COLUMN,
  ],
  row(object, now) {
    const quota = object as ResourceQuota;
    const hard = quota.status?.hard ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const text = `${resource}: ${quantity(quota.status?.used?.[resource])}/${quantity(hard[resource])}`;
      (resource.split('.')[0] === 'limits' && resource.includes('.') ? limits : requests).push(text);
    }
    return { cells: [quota.metadata?.name ?? '', requests.join(', '), limits.join(', '), age(quota, now)] };
  },
};
