/**
 * The admission chain of the simulated apiserver, in kube-apiserver's plugin order: every plugin's
 * mutating step first (LimitRanger, ServiceAccount, MutatingAdmissionWebhook), then every
 * validating step (LimitRanger, PodSecurity, ValidatingAdmissionWebhook). NamespaceLifecycle, which comes first,
 * is the store's own check; the simulator has no ResourceQuota admission.
 * @example store.useAdmission(admissionChain(storeReader(store)));
 */
import type { ResourceInfo } from '../resources.js';
import type { AdmissionHook } from '../store/admission-hook.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import type { AdmissionPlugin, ClusterReader } from './admission-plugin.js';
import { limitRangerAdmission } from './limit-ranger.js';
import { podSecurityAdmission } from './pod-security.js';
import { serviceAccountAdmission } from './service-account.js';
import { mutatingWebhookAdmission, validatingWebhookAdmission } from './webhook-admission.js';

/** The plugins, in `--enable-admission-plugins` order. */
export const ADMISSION_PLUGINS: readonly AdmissionPlugin[] = [
  limitRangerAdmission, serviceAccountAdmission, podSecurityAdmission, mutatingWebhookAdmission, validatingWebhookAdmission,
];

/** The chain over these plugins, reading the cluster through `cluster`. */
export function admissionChain(cluster: ClusterReader, plugins: readonly AdmissionPlugin[] = ADMISSION_PLUGINS): AdmissionHook {
  return {
    admit: (attributes) => { for (const p of plugins) p.admit?.(attributes, cluster); },
    validate: (attributes) => { for (const p of plugins) p.validate?.(attributes, cluster); },
  };
}

/** The store's objects as the plugins read them. */
export function storeReader(store: ObjectStore): ClusterReader {
  return {
    get: (resource: ResourceInfo, namespace: string | undefined, name: string) => {
      try {
        return store.get(resource, namespace, name);
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) return undefined;
        throw err;
      }
    },
    list: (resource: ResourceInfo, namespace?: string) => store.list(resource, namespace === undefined ? {} : { namespace }).items,
  };
}
