import { describe, expect, it } from 'vitest';
import { admittingStore, create, pod, refusal } from './admission.test-support.js';

describe('ServiceAccount admission', () => {
  it('forbids a pod naming an account its namespace lacks, with the apiserver\'s message', () => {
    const store = admittingStore();
    create(store, { kind: 'Namespace', metadata: { name: 'shop' } });
    const status = refusal(() => create(store, pod('shop', 'api', { serviceAccountName: 'builder' })));
    expect(status.code).toBe(403);
    expect(status.reason).toBe('Forbidden');
    expect(status.message).toBe('pods "api" is forbidden: error looking up service account shop/builder: serviceaccount "builder" not found');
    expect(status.details).toEqual({ name: 'api', kind: 'pods' });
  });

  it('names a generateName pod by its prefix: the mutating phase runs before the name exists', () => {
    const store = admittingStore();
    create(store, { kind: 'Namespace', metadata: { name: 'shop' } });
    const status = refusal(() => create(store, pod('shop', 'api-7d9f8b6c4d-', { serviceAccountName: 'builder', generateName: true })));
    expect(status.message).toBe('pods "api-7d9f8b6c4d-" is forbidden: error looking up service account shop/builder: serviceaccount "builder" not found');
  });

  it('admits the pod once the account exists, copying its image pull secrets', () => {
    const store = admittingStore();
    create(store, { kind: 'Namespace', metadata: { name: 'shop' } });
    create(store, { kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'shop' }, imagePullSecrets: [{ name: 'registry' }] });
    const created = create(store, pod('shop', 'api', { serviceAccountName: 'builder' }));
    expect((created.spec as { imagePullSecrets?: unknown }).imagePullSecrets).toEqual([{ name: 'registry' }]);
  });

  it('lets a pod of the default account through while the namespace\'s default account is still being made', () => {
    const store = admittingStore();
    create(store, { kind: 'Namespace', metadata: { name: 'shop' } });
    const created = create(store, pod('shop', 'api'));
    expect((created.spec as { serviceAccountName?: string }).serviceAccountName).toBe('default');
  });
});
