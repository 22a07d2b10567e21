/**
 * `kubectl describe pv`: class, phase, the claim it is bound to, reclaim policy, access modes,
 * capacity, message and the volume source type.
 */
import type { ReadContext } from '../context.js';
import { child, valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf } from '../meta.js';
import { withEvents, type BlockRead } from '../reader.js';
import { accessModes, present } from '../values.js';

export function readPersistentVolume(fields: Field[], ctx: ReadContext): BlockRead {
  const metadata = metadataOf(fields, ctx, false);
  const spec: Record<string, unknown> = {};
  const status: Record<string, unknown> = {};
  const v = (key: string): string | undefined => present(valueOf(fields, key));

  const storageClass = v('StorageClass');
  if (storageClass) spec['storageClassName'] = storageClass;
  const claim = /^([^/]+)\/(.+)$/.exec(v('Claim') ?? '');
  if (claim) spec['claimRef'] = { kind: 'PersistentVolumeClaim', namespace: claim[1], name: claim[2] };
  const reclaim = v('Reclaim Policy');
  if (reclaim) spec['persistentVolumeReclaimPolicy'] = reclaim;
  const modes = v('Access Modes');
  if (modes) spec['accessModes'] = accessModes(modes);
  const volumeMode = v('VolumeMode');
  if (volumeMode) spec['volumeMode'] = volumeMode;
  const capacity = v('Capacity');
  if (capacity) spec['capacity'] = { storage: capacity };
  const source = sourceOf(child(fields, 'Source'));
  if (source) Object.assign(spec, source);
  const phase = v('Status');
  if (phase && !phase.startsWith('Terminating')) status['phase'] = phase;
  const message = v('Message');
  if (message) status['message'] = message;
  return { objects: withEvents(objectOf('PersistentVolume', metadata, { spec, status }), fields) };
}

/** The `Source:` section's `Type:` line names the volume plugin; a few keep their identifying fields. */
function sourceOf(section: Field | undefined): Record<string, unknown> | undefined {
  const f = section?.children ?? [];
  const type = /^(\S+)/.exec(valueOf(f, 'Type') ?? '')?.[1];
  const v = (key: string): string => valueOf(f, key) ?? '';
  switch (type) {
    case 'CSI': return { csi: { driver: v('Driver'), volumeHandle: v('VolumeHandle') } };
    case 'HostPath': return { hostPath: { path: v('Path') } };
    case 'NFS': return { nfs: { server: v('Server'), path: v('Path') } };
    case 'LocalVolume': return { local: { path: v('Path') } };
    default: return undefined;
  }
}
