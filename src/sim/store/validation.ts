/**
 * Validation of objects on create and update, with the apiserver's field paths and messages
 * (pkg/apis/core/validation, apps/validation, apimachinery's name and label rules). It covers
 * names and metadata for every kind and the fields whose mistakes are common for workloads and
 * services; it is not the full schema.
 */
import type { NameRule, ResourceInfo } from '../resources.js';
import {
  type FieldError, GoLiteral, forbiddenField, invalidValue, notSupported, required,
} from './field-error.js';
import { labelKeyProblem, labelValueProblem } from './label-selector.js';

type Obj = Record<string, unknown>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_TEXT = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';
const LABEL_TEXT = 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')';
const DNS1035_TEXT = 'a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')';

/** The reasons a name breaks its rule (empty when it is fine). */
export function nameProblems(name: string, rule: NameRule): string[] {
  switch (rule) {
    case 'subdomain':
      return [...(name.length > 253 ? ['must be no more than 253 characters'] : []), ...(DNS1123_SUBDOMAIN.test(name) ? [] : [SUBDOMAIN_TEXT])];
    case 'label':
      return [...(name.length > 63 ? ['must be no more than 63 characters'] : []), ...(DNS1123_LABEL.test(name) ? [] : [LABEL_TEXT])];
    case 'dns1035':
      return [...(name.length > 63 ? ['must be no more than 63 characters'] : []), ...(DNS1035_LABEL.test(name) ? [] : [DNS1035_TEXT])];
    case 'path-segment':
      if (name === '.' || name === '..') return [`may not be '${name}'`];
      return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function rec(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

/** Metadata rules shared by every kind (ValidateObjectMeta). */
function validateMeta(o: Obj, r: ResourceInfo): FieldError[] {
  const errors: FieldError[] = [];
  const meta = rec(o['metadata']) ?? {};
  const name = str(meta['name']) ?? '';
  if (name === '') errors.push(required('metadata.name', 'name or generateName is required'));
  else for (const p of nameProblems(name, r.nameRule)) errors.push(invalidValue('metadata.name', name, p));
  if (r.namespaced) {
    const ns = str(meta['namespace']) ?? '';
    if (ns === '') errors.push(required('metadata.namespace'));
    else for (const p of nameProblems(ns, 'label')) errors.push(invalidValue('metadata.namespace', ns, p));
  }
  for (const [key, value] of Object.entries(rec(meta['labels']) ?? {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) errors.push(invalidValue('metadata.labels', key, keyProblem));
    const valueProblem = typeof value === 'string' ? labelValueProblem(value) : 'must be a string';
    if (valueProblem) errors.push(invalidValue('metadata.labels', value, valueProblem));
  }
  for (const key of Object.keys(rec(meta['annotations']) ?? {})) {
    const keyProblem = labelKeyProblem(key.toLowerCase());
    if (keyProblem) errors.push(invalidValue('metadata.annotations', key, keyProblem));
  }
  return errors;
}

function validateContainers(spec: Obj, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const containers = arr(spec['containers']);
  if (containers.length === 0) errors.push(required(`${path}.containers`));
  const seen = new Set<string>();
  for (const [field, list] of [['containers', containers], ['initContainers', arr(spec['initContainers'])]] as const) {
    list.forEach((c, i) => {
      const at = `${path}.${field}[${i}]`;
      const name = str(c['name']) ?? '';
      if (name === '') errors.push(required(`${at}.name`));
      else if (!DNS1123_LABEL.test(name) || name.length > 63) errors.push(invalidValue(`${at}.name`, name, LABEL_TEXT));
      else if (seen.has(name)) errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: name, detail: '' });
      seen.add(name);
      if ((str(c['image']) ?? '').trim() === '') errors.push(required(`${at}.image`));
      arr(c['ports']).forEach((p, j) => {
        const port = p['containerPort'];
        if (typeof port !== 'number' || port < 1 || port > 65535) {
          errors.push(invalidValue(`${at}.ports[${j}].containerPort`, port ?? 0, 'must be between 1 and 65535, inclusive'));
        }
      });
    });
  }
  return errors;
}

function validatePodSpec(spec: Obj | undefined, path: string, restartPolicies: readonly string[]): FieldError[] {
  if (!spec) return [required(path)];
  const errors = validateContainers(spec, path);
  const policy = str(spec['restartPolicy']);
  if (policy !== undefined && !restartPolicies.includes(policy)) {
    errors.push(notSupported(`${path}.restartPolicy`, policy, restartPolicies));
  }
  return errors;
}

const POD_RESTART = ['Always', 'OnFailure', 'Never'];

/** Go's `%#v` of a map[string]string, as field errors print selector and label maps. */
export function goStringMap(m: Readonly<Record<string, string>>): string {
  const entries = Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function selectorMatchesLabels(selector: Obj, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(rec(selector['matchLabels']) ?? {})) if (labels[k] !== v) return false;
  for (const e of arr(selector['matchExpressions'])) {
    const key = str(e['key']) ?? '';
    const values = Array.isArray(e['values']) ? (e['values'] as string[]) : [];
    const has = Object.hasOwn(labels, key);
    const ok = e['operator'] === 'In' ? has && values.includes(labels[key]!)
      : e['operator'] === 'NotIn' ? !has || !values.includes(labels[key]!)
        : e['operator'] === 'Exists' ? has : !has;
    if (!ok) return false;
  }
  return true;
}

function validateWorkload(o: Obj, restartPolicies: readonly string[], needsSelector = true): FieldError[] {
  const spec = rec(o['spec']);
  if (!spec) return [required('spec')];
  const errors: FieldError[] = [];
  const replicas = spec['replicas'];
  if (typeof replicas === 'number' && replicas < 0) errors.push(invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0'));
  const selector = rec(spec['selector']);
  const template = rec(spec['template']);
  const labels = (rec(rec(template?.['metadata'])?.['labels']) ?? {}) as Record<string, string>;
  if (needsSelector && !selector) errors.push(required('spec.selector'));
  if (selector) {
    const empty = Object.keys(rec(selector['matchLabels']) ?? {}).length === 0 && arr(selector['matchExpressions']).length === 0;
    if (empty && needsSelector) errors.push(invalidValue('spec.selector', new GoLiteral(goSelector(selector)), 'empty selector is invalid for deployment'));
    else if (!selectorMatchesLabels(selector, labels)) {
      errors.push(invalidValue('spec.template.metadata.labels', new GoLiteral(goStringMap(labels)), '`selector` does not match template `labels`'));
    }
  }
  const podSpec = rec(template?.['spec']);
  errors.push(...validatePodSpec(podSpec, 'spec.template.spec', POD_RESTART));
  const policy = str(podSpec?.['restartPolicy']);
  if (podSpec && policy !== undefined && POD_RESTART.includes(policy) && !restartPolicies.includes(policy)) {
    errors.push(notSupported('spec.template.spec.restartPolicy', policy, restartPolicies));
  }
  return errors;
}

function validateService(o: Obj): FieldError[] {
  const spec = rec(o['spec']) ?? {};
  const errors: FieldError[] = [];
  const type = str(spec['type']) ?? 'ClusterIP';
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (!types.includes(type)) errors.push(notSupported('spec.type', type, types));
  const ports = arr(spec['ports']);
  const headless = spec['clusterIP'] === 'None';
  if (ports.length === 0 && type !== 'ExternalName' && !headless) errors.push(required('spec.ports'));
  if (type === 'ExternalName' && !str(spec['externalName'])) errors.push(required('spec.externalName'));
  ports.forEach((p, i) => {
    const port = p['port'];
    if (typeof port !== 'number' || port < 1 || port > 65535) errors.push(invalidValue(`spec.ports[${i}].port`, port ?? 0, 'must be between 1 and 65535, inclusive'));
    if (ports.length > 1 && !str(p['name'])) errors.push(required(`spec.ports[${i}].name`));
  });
  return errors;
}

function validateDataKeys(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['data', 'binaryData', 'stringData']) {
    for (const key of Object.keys(rec(o[field]) ?? {})) {
      if (!CONFIG_KEY.test(key) || key.length > 253) {
        errors.push(invalidValue(`${field}[${key}]`, key, 'a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')'));
      }
    }
  }
  return errors;
}

function validateRoleBinding(o: Obj): FieldError[] {
  const ref = rec(o['roleRef']);
  if (!ref) return [required('roleRef')];
  const errors: FieldError[] = [];
  const kinds = o['kind'] === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!str(ref['kind'])) errors.push(required('roleRef.kind'));
  else if (!kinds.includes(str(ref['kind'])!)) errors.push(notSupported('roleRef.kind', ref['kind'], kinds));
  if (!str(ref['name'])) errors.push(required('roleRef.name'));
  if (ref['apiGroup'] !== 'rbac.authorization.k8s.io') errors.push(notSupported('roleRef.apiGroup', ref['apiGroup'] ?? '', ['rbac.authorization.k8s.io']));
  return errors;
}

const BY_KIND: Record<string, (o: Obj) => FieldError[]> = {
  Pod: (o) => validatePodSpec(rec(o['spec']), 'spec', POD_RESTART),
  Deployment: (o) => validateWorkload(o, ['Always']),
  ReplicaSet: (o) => validateWorkload(o, ['Always']),
  StatefulSet: (o) => validateWorkload(o, ['Always']),
  DaemonSet: (o) => validateWorkload(o, ['Always']),
  Job: (o) => validateWorkload(o, ['OnFailure', 'Never'], false),
  Service: validateService,
  ConfigMap: validateDataKeys,
  Secret: validateDataKeys,
  RoleBinding: validateRoleBinding,
  ClusterRoleBinding: validateRoleBinding,
};

/** Every rule the object breaks on create. */
export function validateCreate(o: Obj, r: ResourceInfo): FieldError[] {
  return [...validateMeta(o, r), ...(BY_KIND[r.kind]?.(o) ?? [])];
}

/** Go's `%#v` of a LabelSelector, as the immutable-selector error prints it. */
function goSelector(selector: Obj | undefined): string {
  if (!selector) return '(*v1.LabelSelector)(nil)';
  const labels = rec(selector['matchLabels']) as Record<string, string> | undefined;
  const expressions = arr(selector['matchExpressions']);
  const ml = labels ? goStringMap(labels) : 'map[string]string(nil)';
  const me = expressions.length === 0 ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${expressions.map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e['key'])}, Operator:${JSON.stringify(e['operator'])}, Values:[]string{${arr(e['values']).map((v) => JSON.stringify(v)).join(', ')}}}`).join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`;
}

const IMMUTABLE_SELECTOR = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/** Every rule the object breaks on update from `old`. */
export function validateUpdate(o: Obj, old: Obj, r: ResourceInfo): FieldError[] {
  const errors = validateCreate(o, r);
  if (IMMUTABLE_SELECTOR.has(r.kind)) {
    const selector = rec(rec(o['spec'])?.['selector']);
    const before = rec(rec(old['spec'])?.['selector']);
    if (JSON.stringify(selector) !== JSON.stringify(before)) {
      errors.push(invalidValue('spec.selector', new GoLiteral(goSelector(selector)), 'field is immutable'));
    }
  }
  if (r.kind === 'Service') {
    const ip = rec(o['spec'])?.['clusterIP'];
    const oldIp = rec(old['spec'])?.['clusterIP'];
    if (ip !== undefined && ip !== '' && ip !== oldIp) errors.push(invalidValue('spec.clusterIPs[0]', ip, 'may not change once set'));
  }
  const finalizersAdded = newFinalizers(o, old);
  if (rec(old['metadata'])?.['deletionTimestamp'] !== undefined && finalizersAdded.length > 0) {
    errors.push(forbiddenField('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${finalizersAdded.map((f) => JSON.stringify(f)).join(', ')}}`));
  }
  return errors;
}

function newFinalizers(o: Obj, old: Obj): string[] {
  const before = new Set((rec(old['metadata'])?.['finalizers'] as string[] | undefined) ?? []);
  return ((rec(o['metadata'])?.['finalizers'] as string[] | undefined) ?? []).filter((f) => !before.has(f));
}
