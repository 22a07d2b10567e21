import { describe, expect, it } from 'vitest';
import { parseDescribe } from './parse.js';

// kubectl 1.32 `describe pvc` output (describe.go through tabwriter).

const PVC_PENDING = `Name:          data-postgres-0
Namespace:     db
StorageClass:  
Status:        Pending
Volume:        
Labels:        app=postgres
Annotations:   <none>
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      
Access Modes:  
VolumeMode:    Filesystem
Used By:       postgres-0
Events:
  Type    Reason         Age                  From                         Message
  ----    ------         ----                 ----                         -------
  Normal  FailedBinding  3m (x26 over 9m14s)  persistentvolume-controller  no persistent volumes available for this claim and no storage class is set
`;

describe('describe pvc: pending without a storage class', () => {
  const [pvc, ...events] = parseDescribe(PVC_PENDING, 'ticket.txt');

  it('reads an unbound claim: no class, no volume, no capacity or access modes', () => {
    expect(pvc).toEqual({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data-postgres-0', namespace: 'db', labels: { app: 'postgres' },
        annotations: { 'kubetriage.io/source': 'describe' }, finalizers: ['kubernetes.io/pvc-protection'],
      },
      spec: { volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
  });

  it('reads the binding failure event', () => {
    expect(events).toEqual([expect.objectContaining({
      type: 'Normal', reason: 'FailedBinding', count: 26, source: { component: 'persistentvolume-controller' },
      message: 'no persistent volumes available for this claim and no storage class is set',
      involvedObject: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'db', name: 'data-postgres-0' },
    })]);
    expect(events[0]!.metadata.annotations).toEqual({
      'kubetriage.io/source': 'describe', 'kubetriage.io/age-seconds': '180', 'kubetriage.io/first-age-seconds': '554',
    });
  });
});
