import { describe, expect, it } from 'vitest';
import { cordon, deletePod, patchContainer, patchObject, restart, rolloutUndo, scale } from '../diagnose/fixes.js';
import { blastRadius } from './blast-radius.js';
import { shopGraph } from './fixtures.test-support.js';

const web = { kind: 'Deployment', namespace: 'shop', name: 'web' };
const raise = patchContainer(web, 'app', { resources: { limits: { memory: '512Mi' } } }, { resources: { limits: { memory: '256Mi' } } }, 'raise', 'OOM');

describe('blastRadius', () => {
  it('restarts every pod of a Deployment whose template changes, a quarter at a time', () => {
    const r = blastRadius(shopGraph({ replicas: 8 }), raise);
    expect(r).toMatchObject({ podsRestarted: 8, maxUnavailable: 2, replicas: 8, namespaces: ['shop'], objects: [web] });
    expect(r.services.map((s) => `${s.kind}/${s.name}`)).toEqual(['Service/web', 'Ingress/front']);
  });

  it('takes them all down at once under Recreate', () => {
    expect(blastRadius(shopGraph({ replicas: 3, strategy: { type: 'Recreate' } }), restart(web, 'r')).maxUnavailable).toBe(3);
  });

  it('counts a rollout undo as a template change', () => {
    expect(blastRadius(shopGraph({ replicas: 4 }), rolloutUndo(web, 'bad revision'))).toMatchObject({ podsRestarted: 4, maxUnavailable: 1 });
  });

  it('restarts nothing when the server\'s dry-run shows the template unchanged', () => {
    const graph = shopGraph();
    const current = graph.get('Deployment', 'shop', 'web')!;
    expect(blastRadius(graph, raise, { object: structuredClone(current) }).podsRestarted).toBe(0);
  });

  it('removes the difference when scaling down, all at once', () => {
    const r = blastRadius(shopGraph({ replicas: 4 }), scale(web, 0, 4, 'x'));
    expect(r).toMatchObject({ podsRestarted: 4, maxUnavailable: 4, replicas: 4 });
    expect(blastRadius(shopGraph({ replicas: 4 }), scale(web, 6, 4, 'x')).podsRestarted).toBe(0);
  });

  it('stops one pod on delete and none on cordon', () => {
    expect(blastRadius(shopGraph(), deletePod({ kind: 'Pod', namespace: 'shop', name: 'web-5d8f-0' }, 'x'))).toMatchObject({ podsRestarted: 1, maxUnavailable: 1 });
    const c = blastRadius(shopGraph(), cordon({ kind: 'Node', name: 'node-1' }, 'x'));
    expect(c).toMatchObject({ podsRestarted: 0, maxUnavailable: 0, namespaces: [] });
    expect(c.notes[0]).toContain('4 pod(s)');
  });

  it('names the ingresses behind a changed Service without restarting anything', () => {
    const r = blastRadius(shopGraph(), patchObject({ kind: 'Service', namespace: 'shop', name: 'web' }, { spec: { selector: { app: 'web2' } } }, { spec: { selector: { app: 'web' } } }, 's', 'r'));
    expect(r.podsRestarted).toBe(0);
    expect(r.services.map((s) => s.name)).toEqual(['web', 'front']);
  });

  it('reports a PodDisruptionBudget the change takes below its minimum', () => {
    const tight = blastRadius(shopGraph({ replicas: 4, strategy: { type: 'Recreate' }, pdb: { minAvailable: 3 } }), restart(web, 'r'));
    expect(tight.disruptionBudgetsBroken).toEqual([{ kind: 'PodDisruptionBudget', namespace: 'shop', name: 'web' }]);
    const loose = blastRadius(shopGraph({ replicas: 4, pdb: { maxUnavailable: '25%' } }), restart(web, 'r'));
    expect(loose.disruptionBudgetsBroken).toEqual([]);
  });
});
