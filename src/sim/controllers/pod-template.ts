/**
 * A pod from a workload's template (controller.GetPodFromTemplate): the template's labels,
 * annotations and finalizers, the controller's ownerReference, and the pod spec as written.
 */
import type { KubeObject } from '../../cluster/objects.js';
import { type Obj, ownerRefTo, rec, specOf } from './kube.js';

/** The pod to create; `name` fixed (StatefulSet) or generated from `<owner>-` by the apiserver. */
export function podFromTemplate(owner: KubeObject, name?: string): Obj {
  const template = rec(specOf(owner)['template']) ?? {};
  const tmeta = rec(template['metadata']) ?? {};
  const metadata: Obj = name === undefined ? { generateName: `${owner.metadata.name}-` } : { name };
  metadata['namespace'] = owner.metadata.namespace;
  for (const field of ['labels', 'annotations', 'finalizers'] as const) {
    if (tmeta[field] !== undefined) metadata[field] = structuredClone(tmeta[field]);
  }
  metadata['ownerReferences'] = [ownerRefTo(owner)];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(template['spec'] ?? {}) };
}
