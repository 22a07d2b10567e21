/**
 * How the fields of built-in kinds merge, taken from the struct tags and markers of k8s.io/api
 * (core/v1, apps/v1, batch/v1 ... `types.go`): `patchStrategy`/`patchMergeKey` drive strategic merge
 * patch, `+listType`/`+listMapKey`/`+structType=atomic`/`+mapType=atomic` drive server-side apply.
 *
 * Only fields that differ from the defaults are listed. The defaults are those of the apiserver for a
 * field without tags: objects merge key by key, lists are replaced whole (strategic merge) and atomic
 * (server-side apply).
 */

/** A list field's merge rules. */
export interface ListSchema {
  /** Strategic merge: absent = replace the list; `{}` = merge primitives as a set; `{ mergeKey }` = merge maps by key. */
  readonly smp?: { readonly mergeKey?: string };
  /** Server-side apply list type: atomic, set of primitives, or map keyed by `keys`. */
  readonly ssa: 'atomic' | 'set' | { readonly keys: readonly string[]; readonly defaults?: Readonly<Record<string, string>> };
  /** Schema of the list's elements. */
  readonly item?: SchemaNode;
}

/** The merge rules of one field and what lies below it. */
export interface SchemaNode {
  readonly fields?: Readonly<Record<string, SchemaNode>>;
  readonly list?: ListSchema;
  /** `+structType=atomic` or `+mapType=atomic`: owned and replaced as one value. */
  readonly atomic?: true;
}

/** The schema of a child field, or undefined for a field with default rules. */
export function fieldSchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  return node?.fields?.[key];
}

/** A list merged by `mergeKey` in strategic merge and keyed by `keys` (default: the merge key) in apply. */
function keyedList(mergeKey: string, item?: SchemaNode, keys: readonly string[] = [mergeKey],
  defaults?: Record<string, string>): SchemaNode {
  const ssa = defaults === undefined ? { keys } : { keys, defaults };
  return { list: item === undefined ? { smp: { mergeKey }, ssa } : { smp: { mergeKey }, ssa, item } };
}

const ATOMIC: SchemaNode = { atomic: true };
/** `patchStrategy:"merge"` on a list of strings with `+listType=set` (finalizers, podCIDRs). */
const PRIMITIVE_SET: SchemaNode = { list: { smp: {}, ssa: 'set' } };
/** `patchStrategy:"merge" patchMergeKey:"type"` conditions kept as `+listType=map`. */
const CONDITIONS = keyedList('type');

const OBJECT_META: SchemaNode = {
  fields: { finalizers: PRIMITIVE_SET, ownerReferences: keyedList('uid', { atomic: true }) },
};

const ENV_VAR: SchemaNode = {
  fields: {
    valueFrom: {
      fields: { configMapKeyRef: ATOMIC, secretKeyRef: ATOMIC, fieldRef: ATOMIC, resourceFieldRef: ATOMIC },
    },
  },
};

const CONTAINER: SchemaNode = {
  fields: {
    ports: keyedList('containerPort', undefined, ['containerPort', 'protocol'], { protocol: 'TCP' }),
    env: keyedList('name', ENV_VAR),
    volumeMounts: keyedList('mountPath'),
    volumeDevices: keyedList('devicePath'),
    resources: { fields: { claims: { list: { ssa: { keys: ['name'] } } } } },
  },
};

const TOPOLOGY_SPREAD: SchemaNode = { fields: { labelSelector: ATOMIC } };

const POD_SPEC: SchemaNode = {
  fields: {
    volumes: keyedList('name'),
    initContainers: keyedList('name', CONTAINER),
    containers: keyedList('name', CONTAINER),
    ephemeralContainers: keyedList('name', CONTAINER),
    imagePullSecrets: keyedList('name', ATOMIC),
    hostAliases: keyedList('ip'),
    topologySpreadConstraints: keyedList('topologyKey', TOPOLOGY_SPREAD, ['topologyKey', 'whenUnsatisfiable']),
    schedulingGates: keyedList('name'),
    resourceClaims: keyedList('name'),
    nodeSelector: ATOMIC,
  },
};

const POD_STATUS: SchemaNode = {
  fields: {
    conditions: CONDITIONS,
    podIPs: keyedList('ip'),
    hostIPs: keyedList('ip'),
    resourceClaimStatuses: keyedList('name'),
  },
};

const POD_TEMPLATE: SchemaNode = { fields: { metadata: OBJECT_META, spec: POD_SPEC } };

/** Spec and status of the workload kinds whose spec holds a selector and a pod template. */
function workload(specExtra: Record<string, SchemaNode> = {}): SchemaNode {
  return {
    fields: {
      metadata: OBJECT_META,
      spec: { fields: { selector: ATOMIC, template: POD_TEMPLATE, ...specExtra } },
      status: { fields: { conditions: CONDITIONS } },
    },
  };
}

const JOB_SPEC: SchemaNode = { fields: { selector: ATOMIC, template: POD_TEMPLATE } };

/** Every kind the simulator serves, with its merge rules; kinds absent here are unknown to strategic merge. */
const KIND_SCHEMAS: Readonly<Record<string, SchemaNode>> = {
  Pod: { fields: { metadata: OBJECT_META, spec: POD_SPEC, status: POD_STATUS } },
  PodTemplate: { fields: { metadata: OBJECT_META, template: POD_TEMPLATE } },
  Deployment: workload(),
  ReplicaSet: workload(),
  StatefulSet: workload(),
  DaemonSet: workload(),
  Job: {
    fields: {
      metadata: OBJECT_META,
      spec: JOB_SPEC,
      // JobStatus.conditions: patchMergeKey=type for strategic merge but +listType=atomic for apply.
      status: { fields: { conditions: { list: { smp: { mergeKey: 'type' }, ssa: 'atomic' } } } },
    },
  },
  CronJob: {
    fields: {
      metadata: OBJECT_META,
      spec: { fields: { jobTemplate: { fields: { metadata: OBJECT_META, spec: JOB_SPEC } } } },
    },
  },
  Service: {
    fields: {
      metadata: OBJECT_META,
      spec: {
        fields: {
          ports: keyedList('port', undefined, ['port', 'protocol'], { protocol: 'TCP' }),
          selector: ATOMIC,
        },
      },
      status: { fields: { conditions: CONDITIONS } },
    },
  },
  Node: {
    fields: {
      metadata: OBJECT_META,
      spec: { fields: { podCIDRs: PRIMITIVE_SET } },
      // NodeStatus.addresses: patchMergeKey=type for strategic merge, atomic for apply (dual-stack has two InternalIPs).
      status: { fields: { conditions: CONDITIONS, addresses: { list: { smp: { mergeKey: 'type' }, ssa: 'atomic' } } } },
    },
  },
  Namespace: { fields: { metadata: OBJECT_META, status: { fields: { conditions: CONDITIONS } } } },
  PersistentVolumeClaim: { fields: { metadata: OBJECT_META, status: { fields: { conditions: CONDITIONS } } } },
  PersistentVolume: { fields: { metadata: OBJECT_META, spec: { fields: { claimRef: ATOMIC } } } },
  ServiceAccount: { fields: { metadata: OBJECT_META, secrets: keyedList('name', ATOMIC) } },
  HorizontalPodAutoscaler: { fields: { metadata: OBJECT_META, status: { fields: { conditions: CONDITIONS } } } },
  PodDisruptionBudget: {
    fields: { metadata: OBJECT_META, spec: { fields: { selector: ATOMIC } }, status: { fields: { conditions: CONDITIONS } } },
  },
  NetworkPolicy: { fields: { metadata: OBJECT_META, spec: { fields: { podSelector: ATOMIC } } } },
  RoleBinding: { fields: { metadata: OBJECT_META, roleRef: ATOMIC } },
  ClusterRoleBinding: { fields: { metadata: OBJECT_META, roleRef: ATOMIC } },
  ConfigMap: { fields: { metadata: OBJECT_META } },
  Secret: { fields: { metadata: OBJECT_META } },
  Endpoints: { fields: { metadata: OBJECT_META } },
  EndpointSlice: { fields: { metadata: OBJECT_META } },
  Event: { fields: { metadata: OBJECT_META } },
  ResourceQuota: { fields: { metadata: OBJECT_META } },
  LimitRange: { fields: { metadata: OBJECT_META } },
  Ingress: { fields: { metadata: OBJECT_META } },
  IngressClass: { fields: { metadata: OBJECT_META } },
  StorageClass: { fields: { metadata: OBJECT_META } },
  Lease: { fields: { metadata: OBJECT_META } },
  ValidatingWebhookConfiguration: { fields: { metadata: OBJECT_META, webhooks: keyedList('name') } },
  MutatingWebhookConfiguration: { fields: { metadata: OBJECT_META, webhooks: keyedList('name') } },
  Role: { fields: { metadata: OBJECT_META } },
  ClusterRole: { fields: { metadata: OBJECT_META } },
  Scale: { fields: { metadata: OBJECT_META } },
};

/**
 * The merge rules of a built-in kind, or undefined for a kind the simulator does not serve (which the
 * apiserver would handle as a custom resource).
 * @example schemaForKind('Deployment')?.fields?.spec
 */
export function schemaForKind(kind: string): SchemaNode | undefined {
  return Object.hasOwn(KIND_SCHEMAS, kind) ? KIND_SCHEMAS[kind] : undefined;
}
