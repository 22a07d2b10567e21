/**
 * The checks the kubelet makes on ConfigMap and Secret references: while building a container's
 * environment (`env[].valueFrom`, `envFrom`: CreateContainerConfigError) and while mounting
 * volumes (FailedMount). Each reference must resolve unless marked optional.
 */
import type { Container, Pod } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/index.js';

const CONFIGMAPS = lookupResource('configmaps')!;
const SECRETS = lookupResource('secrets')!;

type Volume = NonNullable<NonNullable<Pod['spec']>['volumes']>[number];

type Source = { kind: 'ConfigMap' | 'Secret'; name: string; optional: boolean; key?: string };

function sourcesOf(c: Container): Source[] {
  const out: Source[] = [];
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) out.push({ kind: 'ConfigMap', name: from.configMapRef.name ?? '', optional: from.configMapRef.optional === true });
    if (from.secretRef) out.push({ kind: 'Secret', name: from.secretRef.name ?? '', optional: from.secretRef.optional === true });
  }
  for (const env of c.env ?? []) {
    const cm = env.valueFrom?.configMapKeyRef;
    if (cm) out.push({ kind: 'ConfigMap', name: cm.name ?? '', optional: cm.optional === true, key: cm.key });
    const secret = env.valueFrom?.secretKeyRef;
    if (secret) out.push({ kind: 'Secret', name: secret.name ?? '', optional: secret.optional === true, key: secret.key });
  }
  return out;
}

function keysOf(store: ObjectStore, source: Source, namespace: string): Set<string> | undefined {
  try {
    const obj = store.get(source.kind === 'ConfigMap' ? CONFIGMAPS : SECRETS, namespace, source.name);
    const keys = new Set(Object.keys((obj['data'] as object | undefined) ?? {}));
    for (const k of Object.keys((obj['binaryData'] as object | undefined) ?? {})) keys.add(k);
    if (source.kind === 'Secret') for (const k of Object.keys((obj['stringData'] as object | undefined) ?? {})) keys.add(k);
    return keys;
  } catch {
    return undefined;
  }
}

/** The first missing reference of a container, as the kubelet words it; undefined when all resolve. */
export function missingConfigReference(store: ObjectStore, namespace: string, c: Container): string | undefined {
  for (const source of sourcesOf(c)) {
    const keys = keysOf(store, source, namespace);
    if (!keys) {
      if (source.optional) continue;
      return `${source.kind === 'ConfigMap' ? 'configmap' : 'secret'} "${source.name}" not found`;
    }
    if (source.key !== undefined && !keys.has(source.key) && !source.optional) {
      return `couldn't find key ${source.key} in ${source.kind} ${namespace}/${source.name}`;
    }
  }
  return undefined;
}

/** A volume the kubelet cannot set up, with the volume plugin's error. */
export interface VolumeFailure {
  volume: string;
  message: string;
}

/**
 * The first ConfigMap or Secret volume of a pod that cannot be mounted (object or listed key
 * missing, unless optional), as the configmap/secret volume plugins report it.
 */
export function unmountableVolume(store: ObjectStore, namespace: string, volumes: readonly Volume[]): VolumeFailure | undefined {
  for (const v of volumes) {
    const cm = v.configMap;
    const secret = v.secret;
    const source: Source | undefined = cm
      ? { kind: 'ConfigMap', name: cm.name ?? '', optional: cm.optional === true }
      : secret ? { kind: 'Secret', name: secret.secretName ?? '', optional: secret.optional === true } : undefined;
    if (!source) continue;
    const keys = keysOf(store, source, namespace);
    const noun = source.kind === 'ConfigMap' ? 'configmap' : 'secret';
    if (!keys) {
      if (source.optional) continue;
      return { volume: v.name, message: `${noun} "${source.name}" not found` };
    }
    const items = (cm?.items ?? secret?.items ?? []).map((i) => i.key);
    const missingKey = items.find((k) => !keys.has(k));
    if (missingKey !== undefined && !source.optional) return { volume: v.name, message: `${noun} references non-existent ${source.kind === 'ConfigMap' ? 'config' : 'secret'} key: ${missingKey}` };
  }
  return undefined;
}
