/**
 * The parts of a pod spec that pods and pod templates print alike: containers, volumes, service
 * account, priority class, node selectors and tolerations. Written once, read for both.
 */
import type { ContainerStatus, PodSpec, PodTemplateSpec, Toleration } from 'kubernetes-types/core/v1.js';
import { readContainers } from './containers.js';
import type { ReadContext } from './context.js';
import { child, valueLines, valueOf, type Field } from './fields.js';
import { annotationsOf, labelsOf, present } from './values.js';
import { readVolumes } from './volumes.js';

export interface PodSpecRead {
  spec: PodSpec;
  containerStatuses: ContainerStatus[];
  initContainerStatuses: ContainerStatus[];
}

/** The spec fields among `fields` (a pod's top level, or a `Pod Template:` section's children). */
export function readPodSpec(fields: Field[], ctx: ReadContext): PodSpecRead {
  const main = readContainers(child(fields, 'Containers'), ctx);
  const init = readContainers(child(fields, 'Init Containers'), ctx);
  const spec: PodSpec = { containers: main.containers };
  if (init.containers.length > 0) spec.initContainers = init.containers;
  const volumes = readVolumes(child(fields, 'Volumes'), ctx);
  if (volumes.length > 0) spec.volumes = volumes;
  const serviceAccount = present(valueOf(fields, 'Service Account'));
  if (serviceAccount) spec.serviceAccountName = serviceAccount;
  const priorityClass = present(valueOf(fields, 'Priority Class Name'));
  if (priorityClass) spec.priorityClassName = priorityClass;
  const runtimeClass = present(valueOf(fields, 'Runtime Class Name'));
  if (runtimeClass) spec.runtimeClassName = runtimeClass;
  const priority = child(fields, 'Priority');
  if (priority) spec.priority = ctx.int(priority);
  const nodeSelector = labelsOf(child(fields, 'Node-Selectors'));
  if (Object.keys(nodeSelector).length > 0) spec.nodeSelector = nodeSelector;
  const tolerations = tolerationsOf(child(fields, 'Tolerations'));
  if (tolerations.length > 0) spec.tolerations = tolerations;
  return { spec, containerStatuses: main.statuses, initContainerStatuses: init.statuses };
}

const TOLERATION = /^([^=:\s]*)(?:=([^:\s]*))?(?::(\w+))?(\s*op=Exists)?(?: for (\d+)s)?$/;

/** `node.kubernetes.io/not-ready:NoExecute op=Exists for 300s`, `dedicated=gpu:NoSchedule`, `op=Exists`. */
export function tolerationsOf(field: Field | undefined): Toleration[] {
  if (!field) return [];
  const out: Toleration[] = [];
  for (const line of valueLines(field)) {
    if (line === '<none>') continue;
    // Tolerates every taint: kubectl prints the operator alone.
    const all = /^op=Exists(?: for (\d+)s)?$/.exec(line);
    if (all) {
      out.push({ operator: 'Exists', ...(all[1] ? { tolerationSeconds: Number(all[1]) } : {}) });
      continue;
    }
    const m = TOLERATION.exec(line);
    if (!m) continue;
    const t: Toleration = {};
    if (m[1]) t.key = m[1];
    if (m[4]) t.operator = 'Exists';
    if (m[2] !== undefined) t.value = m[2];
    if (m[3]) t.effect = m[3];
    if (m[5]) t.tolerationSeconds = Number(m[5]);
    out.push(t);
  }
  return out;
}

/** A `Pod Template:` section as a PodTemplateSpec; `<unset>` gives undefined. */
export function readPodTemplate(section: Field | undefined, ctx: ReadContext): PodTemplateSpec | undefined {
  if (!section || section.children.length === 0) return undefined;
  const fields = section.children;
  const metadata: NonNullable<PodTemplateSpec['metadata']> = {};
  const labels = labelsOf(child(fields, 'Labels'));
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  const annotations = annotationsOf(child(fields, 'Annotations'));
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { metadata, spec: readPodSpec(fields, ctx).spec };
}
