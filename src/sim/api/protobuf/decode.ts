/**
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into the
 * JSON objects the rest of the simulator works with. kubectl 1.32's typed commands (`create
 * namespace`, `create deployment`, `create role` …) send their objects this way.
 *
 * The body is the `k8s\0` magic, then a runtime.Unknown envelope carrying apiVersion, kind and the
 * object's own encoding. Go's protobuf marshalling writes every non-pointer field, zero or not; Go's
 * JSON leaves zero values out (omitempty). The decoder therefore drops zero scalars, except the
 * fields that are pointers in the Go types, where an explicit 0 or false means something.
 */
import { badRequest } from '../../store/status-error.js';
import { MESSAGE_TABLE } from './schema-table.js';
import { WireError, WireReader, signed } from './wire.js';

type Json = Record<string, unknown>;

interface FieldSpec {
  name: string;
  /** Embedded struct whose JSON is inlined into the parent. */
  inline: boolean;
  repeated: boolean;
  /** For maps, the value type; the key is always a string. */
  mapValue?: string;
  type: string;
}

/** The magic prefix of the Kubernetes protobuf envelope. */
const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** apiVersion/kind → message, for the kinds a client can send. */
const ROOTS: Record<string, string> = {
  'v1/Namespace': 'core.Namespace', 'v1/ConfigMap': 'core.ConfigMap', 'v1/Secret': 'core.Secret',
  'v1/ServiceAccount': 'core.ServiceAccount', 'v1/Service': 'core.Service', 'v1/Pod': 'core.Pod',
  'v1/ResourceQuota': 'core.ResourceQuota', 'v1/LimitRange': 'core.LimitRange', 'v1/Endpoints': 'core.Endpoints',
  'v1/Event': 'core.Event', 'v1/PersistentVolumeClaim': 'core.PersistentVolumeClaim',
  'v1/PersistentVolume': 'core.PersistentVolume', 'v1/Node': 'core.Node', 'v1/PodTemplate': 'core.PodTemplate',
  'v1/DeleteOptions': 'meta.DeleteOptions',
  'apps/v1/Deployment': 'apps.Deployment', 'apps/v1/ReplicaSet': 'apps.ReplicaSet', 'apps/v1/DaemonSet': 'apps.DaemonSet',
  'batch/v1/Job': 'batch.Job', 'batch/v1/CronJob': 'batch.CronJob',
  'rbac.authorization.k8s.io/v1/Role': 'rbac.Role', 'rbac.authorization.k8s.io/v1/RoleBinding': 'rbac.RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'rbac.ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'rbac.ClusterRoleBinding',
  'policy/v1/PodDisruptionBudget': 'policy.PodDisruptionBudget', 'policy/v1/Eviction': 'policy.Eviction',
  'networking.k8s.io/v1/Ingress': 'networking.Ingress',
  'autoscaling/v1/HorizontalPodAutoscaler': 'autoscalingv1.HorizontalPodAutoscaler',
  'autoscaling/v2/HorizontalPodAutoscaler': 'autoscalingv2.HorizontalPodAutoscaler',
  'authentication.k8s.io/v1/TokenRequest': 'authentication.TokenRequest', 'authentication.k8s.io/v1/SelfSubjectReview': 'authentication.SelfSubjectReview',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'authorization.SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'authorization.SelfSubjectRulesReview',
  'authorization.k8s.io/v1/SubjectAccessReview': 'authorization.SubjectAccessReview',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'authorization.SubjectAccessReview',
};

/**
 * Scalar fields that are pointers in the Go types: a zero written on the wire was set on purpose
 * (`replicas: 0`, `automountServiceAccountToken: false`) and is kept.
 */
const MEANINGFUL_ZERO = new Set([
  'replicas', 'minReplicas', 'parallelism', 'completions', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes',
  'activeDeadlineSeconds', 'terminationGracePeriodSeconds', 'ttlSecondsAfterFinished', 'startingDeadlineSeconds',
  'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'partition',
  'gracePeriodSeconds', 'expirationSeconds', 'priority', 'tolerationSeconds', 'defaultMode', 'mode', 'runAsUser',
  'runAsGroup', 'fsGroup', 'minDomains', 'suspend', 'manualSelector', 'automountServiceAccountToken', 'immutable',
  'runAsNonRoot', 'privileged', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'optional', 'enableServiceLinks',
  'setHostnameAsFQDN', 'shareProcessNamespace', 'hostUsers', 'allocateLoadBalancerNodePorts', 'controller',
  'blockOwnerDeletion', 'orphanDependents', 'averageUtilization', 'targetCPUUtilizationPercentage',
  'deletionGracePeriodSeconds', 'seconds',
]);

const schemas = new Map<string, Map<number, FieldSpec>>();

function schemaOf(message: string): Map<number, FieldSpec> | undefined {
  const cached = schemas.get(message);
  if (cached) return cached;
  const table = MESSAGE_TABLE[message];
  if (table === undefined) return undefined;
  const fields = new Map<number, FieldSpec>();
  for (const entry of table.split('|')) {
    const [num, rawName, rawType] = entry.split(' ') as [string, string, string];
    const inline = rawName.startsWith('^');
    const repeated = rawType.startsWith('*');
    const type = repeated ? rawType.slice(1) : rawType;
    const spec: FieldSpec = { name: inline ? rawName.slice(1) : rawName, inline, repeated, type };
    if (type.startsWith('{')) spec.mapValue = type.slice(3, -1);
    fields.set(Number(num), spec);
  }
  schemas.set(message, fields);
  return fields;
}

/** True for a body that starts with the Kubernetes protobuf magic. */
export function isKubernetesProtobuf(body: Uint8Array): boolean {
  return MAGIC.every((b, i) => body[i] === b);
}

/**
 * Decodes a `application/vnd.kubernetes.protobuf` body into the object's JSON form.
 * @throws a 400 BadRequest Status for bytes that are not a known Kubernetes object
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Json {
  if (!isKubernetesProtobuf(body)) throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  try {
    const envelope = readEnvelope(body.subarray(MAGIC.length));
    const root = ROOTS[`${envelope.apiVersion}/${envelope.kind}`];
    if (!root) throw badRequest(`no kind "${envelope.kind}" is registered for version "${envelope.apiVersion}" in protobuf decoding`);
    return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...decodeMessage(envelope.raw, root) };
  } catch (err) {
    if (err instanceof WireError) throw badRequest(`unable to decode protobuf body: ${err.message}`);
    throw err;
  }
}

function readEnvelope(buf: Uint8Array): { apiVersion: string; kind: string; raw: Uint8Array } {
  const r = new WireReader(buf);
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array();
  while (!r.done()) {
    const { number, wireType } = r.key();
    if (number === 1 && wireType === 2) {
      const typeMeta = new WireReader(r.bytes());
      while (!typeMeta.done()) {
        const k = typeMeta.key();
        if (k.wireType !== 2) { typeMeta.skip(k.wireType); continue; }
        const text = utf8(typeMeta.bytes());
        if (k.number === 1) apiVersion = text; else if (k.number === 2) kind = text;
      }
    } else if (number === 2 && wireType === 2) raw = r.bytes();
    else r.skip(wireType);
  }
  return { apiVersion, kind, raw };
}

const decoder = new TextDecoder();

function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function decodeMessage(buf: Uint8Array, message: string): Json {
  const special = decodeSpecial(buf, message);
  if (special !== undefined) return special as Json;
  const fields = schemaOf(message);
  const out: Json = {};
  if (!fields) return out;
  const r = new WireReader(buf);
  while (!r.done()) {
    const { number, wireType } = r.key();
    const spec = fields.get(number);
    if (!spec) { r.skip(wireType); continue; }
    if (spec.mapValue !== undefined) {
      const map = (out[spec.name] ??= {}) as Json;
      const [key, value] = readMapEntry(r.bytes(), spec.mapValue);
      map[key] = value;
      continue;
    }
    if (spec.repeated) {
      const list = (out[spec.name] ??= []) as unknown[];
      list.push(...readRepeated(r, wireType, spec.type));
      continue;
    }
    const value = readValue(r, wireType, spec.type);
    if (spec.inline && typeof value === 'object' && value !== null) Object.assign(out, value);
    else out[spec.name] = value;
  }
  return dropZeros(out, fields);
}

/** Go's omitempty, applied after decoding (a later occurrence of a field overrides an earlier one). */
function dropZeros(out: Json, fields: Map<number, FieldSpec>): Json {
  const keep = new Set([...fields.values()].filter((f) => MEANINGFUL_ZERO.has(f.name)).map((f) => f.name));
  for (const [key, value] of Object.entries(out)) {
    if (value === undefined || value === null || (!keep.has(key) && (value === '' || value === 0 || value === false))) delete out[key];
  }
  return out;
}

function readRepeated(r: WireReader, wireType: number, type: string): unknown[] {
  const numeric = type === 'i' || type === 'l' || type === 'b' || type === 'd';
  if (numeric && wireType === 2) {
    const packed = new WireReader(r.bytes());
    const values: unknown[] = [];
    while (!packed.done()) values.push(readValue(packed, type === 'd' ? 1 : 0, type));
    return values;
  }
  return [readValue(r, wireType, type)];
}

function readValue(r: WireReader, wireType: number, type: string): unknown {
  switch (type) {
    case 's': return utf8(r.bytes());
    case 'y': return Buffer.from(r.bytes()).toString('base64');
    case 'b': return r.varint() !== 0n;
    case 'i': return signed(r.varint(), 32);
    case 'l': return signed(r.varint(), 64);
    case 'd': return Buffer.from(r.fixed64()).readDoubleLE(0);
    default:
      if (wireType !== 2) throw new WireError(`field of message type ${type} is not length-delimited`);
      return decodeMessage(r.bytes(), type);
  }
}

function readMapEntry(buf: Uint8Array, valueType: string): [string, unknown] {
  const r = new WireReader(buf);
  let key = '';
  let value: unknown = valueType === 's' || valueType === 'y' ? '' : valueType === 'resource.Quantity' ? '0' : {};
  while (!r.done()) {
    const k = r.key();
    if (k.number === 1) key = utf8(r.bytes());
    else if (k.number === 2) value = readValue(r, k.wireType, valueType);
    else r.skip(k.wireType);
  }
  return [key, value];
}

/** Messages whose JSON is not an object of their fields. */
function decodeSpecial(buf: Uint8Array, message: string): unknown {
  switch (message) {
    case 'meta.Time': case 'meta.MicroTime': return decodeTime(buf, message === 'meta.MicroTime');
    case 'resource.Quantity': return stringField(buf, 1) ?? '0';
    case 'intstr.IntOrString': return decodeIntOrString(buf);
    case 'meta.FieldsV1': case 'runtime.RawExtension': {
      const raw = stringField(buf, 1);
      return raw ? JSON.parse(raw) : {};
    }
    default: return undefined;
  }
}

function stringField(buf: Uint8Array, number: number): string | undefined {
  const r = new WireReader(buf);
  let found: string | undefined;
  while (!r.done()) {
    const k = r.key();
    if (k.number === number && k.wireType === 2) found = utf8(r.bytes());
    else r.skip(k.wireType);
  }
  return found;
}

/** Seconds and nanos since the epoch, as RFC 3339 (null for the zero time, as Go's JSON writes it). */
function decodeTime(buf: Uint8Array, micro: boolean): string | null {
  const r = new WireReader(buf);
  let seconds = 0;
  let nanos = 0;
  while (!r.done()) {
    const k = r.key();
    if (k.number === 1 && k.wireType === 0) seconds = signed(r.varint(), 64);
    else if (k.number === 2 && k.wireType === 0) nanos = signed(r.varint(), 32);
    else r.skip(k.wireType);
  }
  if (seconds === 0 && nanos === 0) return null;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

function decodeIntOrString(buf: Uint8Array): number | string {
  const r = new WireReader(buf);
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!r.done()) {
    const k = r.key();
    if (k.number === 1) type = signed(r.varint(), 64);
    else if (k.number === 2) intVal = signed(r.varint(), 32);
    else if (k.number === 3) strVal = utf8(r.bytes());
    else r.skip(k.wireType);
  }
  return type === 1 ? strVal : intVal;
}
