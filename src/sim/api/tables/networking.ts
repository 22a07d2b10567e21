/**
 * Tables of the networking, discovery, storage, coordination and RBAC kinds (`printIngress`,
 * `printIngressClass`, `printNetworkPolicy`, `printEndpointSlice`, `printStorageClass`, `printLease`,
 * `printRoleBinding`, `printClusterRoleBinding`, `printValidatingWebhook`, `printMutatingWebhook`).
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Ingress, IngressClass, NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { ClusterRoleBinding, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { loadBalancerAddresses } from './core.js';
import { FIELD_DOCS } from './descriptions.js';
import { AGE_COLUMN, formatLabelSelector, listWithMore, NAME_COLUMN } from './format.js';
import { age } from './human-duration.js';
import { column } from './types.js';
import type { Printer } from './types.js';

/** Up to three rule hosts, `*` when no rule names one (`formatHosts`). */
function ingressHosts(ingress: Ingress): string {
  const rules = ingress.spec?.rules ?? [];
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === 3) more = true;
    if (!more && rule.host) hosts.push(rule.host);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - 3} more...` : hosts.join(',');
}

/** The ingress printer; `wide` decides whether long addresses are cut. */
export function ingressPrinter(wide: boolean): Printer {
  return {
    columns: [
      NAME_COLUMN,
      column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
      column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
      column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
      column('Ports', 'string', 'Ports of TLS configurations that open'),
      AGE_COLUMN,
    ],
    row(object, now) {
      const ingress = object as Ingress;
      return {
        cells: [
          ingress.metadata?.name ?? '', ingress.spec?.ingressClassName ?? '<none>', ingressHosts(ingress),
          loadBalancerAddresses(ingress.status?.loadBalancer?.ingress, wide),
          (ingress.spec?.tls ?? []).length > 0 ? '80, 443' : '80', age(ingress, now),
        ],
      };
    },
  };
}

export const INGRESS_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  row(object, now) {
    const ic = object as IngressClass;
    const p = ic.spec?.parameters;
    const parameters = p === undefined ? '<none>' : `${p.kind}${p.apiGroup === undefined ? '' : `.${p.apiGroup}`}/${p.name}`;
    return { cells: [ic.metadata?.name ?? '', ic.spec?.controller ?? '', parameters, age(ic, now)] };
  },
};

export const NETWORK_POLICY_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Pod-Selector', 'string', FIELD_DOCS.netpolPodSelector), AGE_COLUMN],
  row(object, now) {
    const np = object as NetworkPolicy;
    return { cells: [np.metadata?.name ?? '', formatLabelSelector(np.spec?.podSelector ?? {}), age(np, now)] };
  },
};

export const ENDPOINT_SLICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', FIELD_DOCS.epsAddressType),
    column('Ports', 'string', FIELD_DOCS.epsPorts),
    column('Endpoints', 'string', FIELD_DOCS.epsEndpoints),
    AGE_COLUMN,
  ],
  row(object, now) {
    const slice = object as EndpointSlice;
    const ports = (slice.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name ?? '*'));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses);
    return {
      cells: [slice.metadata?.name ?? '', slice.addressType, listWithMore(ports, 3), listWithMore(addresses, 3), age(slice, now)],
    };
  },
};

function isDefaultClass(annotations: Record<string, string> | undefined): boolean {
  return annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true'
    || annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const STORAGE_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'string', FIELD_DOCS.scProvisioner),
    column('ReclaimPolicy', 'string', FIELD_DOCS.scReclaimPolicy),
    column('VolumeBindingMode', 'string', FIELD_DOCS.scBindingMode),
    column('AllowVolumeExpansion', 'string', FIELD_DOCS.scExpansion),
    AGE_COLUMN,
  ],
  row(object, now) {
    const sc = object as StorageClass;
    const name = `${sc.metadata?.name ?? ''}${isDefaultClass(sc.metadata?.annotations) ? ' (default)' : ''}`;
    return {
      cells: [
        name, sc.provisioner, sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate',
        sc.allowVolumeExpansion ?? false, age(sc, now),
      ],
    };
  },
};

/** Validating and mutating webhook configurations alike (`printValidatingWebhook`, `printMutatingWebhook`). */
export const WEBHOOK_CONFIGURATION_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Webhooks', 'integer', FIELD_DOCS.webhookCount), AGE_COLUMN],
  row(object, now) {
    const configuration = object as { metadata?: { name?: string; creationTimestamp?: string }; webhooks?: unknown[] };
    return { cells: [configuration.metadata?.name ?? '', configuration.webhooks?.length ?? 0, age(configuration, now)] };
  },
};

export const LEASE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Holder', 'string', FIELD_DOCS.leaseHolder), AGE_COLUMN],
  row(object, now) {
    const lease = object as Lease;
    return { cells: [lease.metadata?.name ?? '', lease.spec?.holderIdentity ?? '', age(lease, now)] };
  },
};

/** Users, groups and service accounts (`namespace/name`) of a binding (`SubjectsStrings`). */
function subjectCells(subjects: readonly Subject[] | undefined): [string, string, string] {
  const of = (kind: string, text: (s: Subject) => string): string =>
    (subjects ?? []).filter((s) => s.kind === kind).map(text).join(', ');
  return [of('User', (s) => s.name), of('Group', (s) => s.name), of('ServiceAccount', (s) => `${s.namespace ?? ''}/${s.name}`)];
}

/** The printer of RoleBindings (`roleBinding`) or ClusterRoleBindings (`clusterRoleBinding`). */
export function bindingPrinter(label: 'roleBinding' | 'clusterRoleBinding'): Printer {
  const roleDoc = label === 'roleBinding' ? FIELD_DOCS.roleBindingRoleRef : FIELD_DOCS.clusterRoleBindingRoleRef;
  return {
    columns: [
      NAME_COLUMN,
      column('Role', 'string', roleDoc),
      AGE_COLUMN,
      column('Users', 'string', `Users in the ${label}`, { priority: 1 }),
      column('Groups', 'string', `Groups in the ${label}`, { priority: 1 }),
      column('ServiceAccounts', 'string', `ServiceAccounts in the ${label}`, { priority: 1 }),
    ],
    row(object, now) {
      const binding = object as RoleBinding | ClusterRoleBinding;
      return {
        cells: [
          binding.metadata?.name ?? '', `${binding.roleRef.kind}/${binding.roleRef.name}`, age(binding, now),
          ...subjectCells(binding.subjects),
        ],
      };
    },
  };
}
