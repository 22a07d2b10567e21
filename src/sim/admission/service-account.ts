/**
 * The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount/admission.go), as far as
 * it refuses pods: a pod creation naming a service account that does not exist in its namespace is
 * forbidden, `pods "NAME" is forbidden: error looking up service account NS/SA: serviceaccount "SA"
 * not found`. It runs in the mutating phase, before the name of a `generateName` pod exists, so a
 * controller's pod is named by its prefix (`pods "web-7d9f8b6c4d-" is forbidden: …`). A pod without
 * image pull secrets gets its account's.
 *
 * The token volume the real plugin mounts is not added: the simulated kubelet has no use for it.
 */
import { lookupResource } from '../resources.js';
import { forbidden } from '../store/status-error.js';
import { type AdmissionAttributes, type AdmissionPlugin, type ClusterReader, arr, isPodCreate, rec, str } from './admission-plugin.js';

const PODS = lookupResource('pods')!;
const SERVICE_ACCOUNTS = lookupResource('serviceaccounts')!;
/** The account a pod without `serviceAccountName` runs as. */
const DEFAULT_ACCOUNT = 'default';
/** Mirror pods (static pods the kubelet reports) may not name an account; they are left alone. */
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The refusal of a pod whose account is missing, with the apiserver's wording. */
export function missingServiceAccount(podName: string, namespace: string, account: string): Error {
  return forbidden(PODS, podName, `error looking up service account ${namespace}/${account}: serviceaccount ${JSON.stringify(account)} not found`);
}

function admit(a: AdmissionAttributes, cluster: ClusterReader): void {
  if (!isPodCreate(a) || a.namespace === undefined) return;
  if (rec(rec(a.object['metadata'])?.['annotations'])?.[MIRROR_POD_ANNOTATION] !== undefined) return;
  const spec = rec(a.object['spec']) ?? {};
  const account = str(spec['serviceAccountName']) || DEFAULT_ACCOUNT;
  spec['serviceAccountName'] = account;
  const found = cluster.get(SERVICE_ACCOUNTS, a.namespace, account);
  if (!found) {
    // The real plugin waits a second or two for `default`, which the serviceaccounts controller
    // creates with every namespace; the simulated one creates it as soon as its queue runs.
    if (account === DEFAULT_ACCOUNT) return;
    throw missingServiceAccount(a.name, a.namespace, account);
  }
  const pullSecrets = arr(found['imagePullSecrets']);
  if (arr(spec['imagePullSecrets']).length === 0 && pullSecrets.length > 0) {
    spec['imagePullSecrets'] = pullSecrets.map((s) => ({ name: s['name'] }));
  }
}

/** The ServiceAccount plugin. */
export const serviceAccountAdmission: AdmissionPlugin = { name: 'ServiceAccount', admit };
