/**
 * Server-side tables: what the apiserver answers to `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`,
 * the columns and cells `kubectl get` prints. Each kind has the printer of
 * pkg/printers/internalversion/printers.go; kinds without one get the default NAME / CREATED AT table.
 */
import { DEFAULT_PRINTER } from './tables/default.js';
import {
  CONFIG_MAP_PRINTER, ENDPOINTS_PRINTER, NAMESPACE_PRINTER, NODE_PRINTER, PV_PRINTER, PVC_PRINTER,
  RESOURCE_QUOTA_PRINTER, SECRET_PRINTER, SERVICE_ACCOUNT_PRINTER, servicePrinter,
} from './tables/core.js';
import { eventPrinter } from './tables/events.js';
import {
  bindingPrinter, ENDPOINT_SLICE_PRINTER, INGRESS_CLASS_PRINTER, ingressPrinter, LEASE_PRINTER, WEBHOOK_CONFIGURATION_PRINTER,
  NETWORK_POLICY_PRINTER, STORAGE_CLASS_PRINTER,
} from './tables/networking.js';
import { POD_PRINTER } from './tables/pod.js';
import type { Cell, ColumnDefinition, Printer, RowCondition } from './tables/types.js';
import {
  CRON_JOB_PRINTER, DAEMON_SET_PRINTER, DEPLOYMENT_PRINTER, HPA_PRINTER, JOB_PRINTER, PDB_PRINTER,
  REPLICA_SET_PRINTER, STATEFUL_SET_PRINTER,
} from './tables/workloads.js';

export { humanDuration } from './tables/human-duration.js';
export type { Cell, ColumnDefinition, RowCondition } from './tables/types.js';

/** What `includeObject` asks to embed in each row. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Options of a table. */
export interface TableOptions {
  /**
   * Include the priority-1 columns (kubectl's `-o wide` ones). The apiserver always does, and kubectl
   * hides them itself; `false` drops them here, and lets long load-balancer addresses be cut.
   */
  readonly wide: boolean;
  /** The clock of the AGE cells. */
  readonly now: Date;
  readonly includeObject: IncludeObject;
}

/** A row of a Table. */
export interface TableRow {
  readonly cells: Cell[];
  readonly conditions?: RowCondition[];
  /** The object, its PartialObjectMetadata, or null, per `includeObject`. */
  readonly object: object | null;
}

/** A `meta.k8s.io/v1` Table; the caller fills `metadata.resourceVersion` (and `continue`) of a list. */
export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly metadata: { resourceVersion?: string; continue?: string };
  readonly columnDefinitions: ColumnDefinition[];
  readonly rows: TableRow[];
}

function printerFor(kind: string, group: string, wide: boolean): Printer {
  switch (`${group}/${kind}`) {
    case '/Pod': return POD_PRINTER;
    case '/Service': return servicePrinter(wide);
    case '/Endpoints': return ENDPOINTS_PRINTER;
    case '/Node': return NODE_PRINTER;
    case '/Namespace': return NAMESPACE_PRINTER;
    case '/ConfigMap': return CONFIG_MAP_PRINTER;
    case '/Secret': return SECRET_PRINTER;
    case '/ServiceAccount': return SERVICE_ACCOUNT_PRINTER;
    case '/Event': case 'events.k8s.io/Event': return eventPrinter(group);
    case '/PersistentVolume': return PV_PRINTER;
    case '/PersistentVolumeClaim': return PVC_PRINTER;
    case '/ResourceQuota': return RESOURCE_QUOTA_PRINTER;
    case 'apps/Deployment': return DEPLOYMENT_PRINTER;
    case 'apps/ReplicaSet': return REPLICA_SET_PRINTER;
    case 'apps/StatefulSet': return STATEFUL_SET_PRINTER;
    case 'apps/DaemonSet': return DAEMON_SET_PRINTER;
    case 'batch/Job': return JOB_PRINTER;
    case 'batch/CronJob': return CRON_JOB_PRINTER;
    case 'autoscaling/HorizontalPodAutoscaler': return HPA_PRINTER;
    case 'policy/PodDisruptionBudget': return PDB_PRINTER;
    case 'networking.k8s.io/Ingress': return ingressPrinter(wide);
    case 'networking.k8s.io/IngressClass': return INGRESS_CLASS_PRINTER;
    case 'networking.k8s.io/NetworkPolicy': return NETWORK_POLICY_PRINTER;
    case 'discovery.k8s.io/EndpointSlice': return ENDPOINT_SLICE_PRINTER;
    case 'storage.k8s.io/StorageClass': return STORAGE_CLASS_PRINTER;
    case 'coordination.k8s.io/Lease': return LEASE_PRINTER;
    case 'admissionregistration.k8s.io/ValidatingWebhookConfiguration':
    case 'admissionregistration.k8s.io/MutatingWebhookConfiguration': return WEBHOOK_CONFIGURATION_PRINTER;
    case 'rbac.authorization.k8s.io/RoleBinding': return bindingPrinter('roleBinding');
    case 'rbac.authorization.k8s.io/ClusterRoleBinding': return bindingPrinter('clusterRoleBinding');
    default: return DEFAULT_PRINTER;
  }
}

/** The row's embedded object (`asTable` in the apiserver's response handler). */
function embedded(object: object, include: IncludeObject): object | null {
  if (include === 'None') return null;
  if (include === 'Object') return object;
  const metadata = (object as { metadata?: object }).metadata ?? {};
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

/**
 * The Table of `objects` (one row each, in their order) as the apiserver prints `resource`.
 * @example toTable({ kind: 'Pod', group: '' }, pods, { wide: true, now: new Date(), includeObject: 'Metadata' })
 */
export function toTable(resource: { kind: string; group: string }, objects: object[],
  options: { wide: boolean; now: Date; includeObject: 'None' | 'Metadata' | 'Object' }): Table {
  const printer = printerFor(resource.kind, resource.group, options.wide);
  const shown = printer.columns.map((c) => options.wide || c.priority === 0);
  const rows = objects.map((object): TableRow => {
    const printed = printer.row(object, options.now);
    const cells = printed.cells.filter((_, i) => shown[i] ?? true);
    const row = { cells, object: embedded(object, options.includeObject) };
    return printed.conditions === undefined ? row : { cells, conditions: printed.conditions, object: row.object };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: printer.columns.filter((_, i) => shown[i]),
    rows,
  };
}
