import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupResource } from '../resources.js';
import { ObjectStore } from '../store/object-store.js';
import { createAuthorizer } from './authorizer.js';
import { bootstrapRbac } from './bootstrap-rbac.js';
import { aggregateAll } from './cluster-role-aggregation.js';
import { forbiddenError } from './forbidden.js';
import type { PolicyRule } from './rbac-rules.js';
import { requestAttributes } from './request-attributes.js';
import { ADMIN, type UserInfo, serviceAccountUser } from './user-info.js';

const R = {
  roles: lookupResource('roles.rbac.authorization.k8s.io')!,
  clusterRoles: lookupResource('clusterroles.rbac.authorization.k8s.io')!,
  roleBindings: lookupResource('rolebindings.rbac.authorization.k8s.io')!,
  clusterRoleBindings: lookupResource('clusterrolebindings.rbac.authorization.k8s.io')!,
};
const builder = serviceAccountUser('shop', 'builder');
let store: ObjectStore;

beforeEach(() => {
  store = new ObjectStore();
  bootstrapRbac(store);
  store.create(lookupResource('namespaces')!, { metadata: { name: 'shop' } });
});
afterEach(() => store.close());

const attrs = (user: UserInfo, method: string, path: string) => requestAttributes(user, method, new URL(`http://sim${path}`));
const allowed = (user: UserInfo, method: string, path: string) => createAuthorizer(store).authorize(attrs(user, method, path)).allowed;

function bind(namespace: string, name: string, roleRef: { kind: string; name: string }): void {
  store.create(R.roleBindings, {
    metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'shop' }],
  }, { namespace });
}

describe('RBAC authorizer', () => {
  it('lets system:masters do anything and gives every authenticated user discovery only', () => {
    expect(allowed(ADMIN, 'DELETE', '/api/v1/nodes/sim-worker-1')).toBe(true);
    expect(allowed(builder, 'GET', '/apis/apps/v1')).toBe(true);
    expect(allowed(builder, 'GET', '/version')).toBe(true);
    expect(allowed(builder, 'GET', '/api/v1/namespaces/shop/pods')).toBe(false);
  });

  it('scopes a RoleBinding of a ClusterRole to the binding namespace', () => {
    bind('shop', 'viewers', { kind: 'ClusterRole', name: 'view' });
    expect(allowed(builder, 'GET', '/api/v1/namespaces/shop/pods')).toBe(true);
    expect(allowed(builder, 'GET', '/api/v1/namespaces/other/pods')).toBe(false);
    expect(allowed(builder, 'GET', '/api/v1/pods')).toBe(false);
    expect(allowed(builder, 'GET', '/api/v1/namespaces/shop/secrets')).toBe(false);
  });

  it('grants everywhere through a ClusterRoleBinding and says which binding allowed it', () => {
    store.create(R.clusterRoleBindings, {
      metadata: { name: 'builders-edit' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', name: 'system:serviceaccounts:shop' }],
    });
    const decision = createAuthorizer(store).authorize(attrs(builder, 'GET', '/api/v1/secrets'));
    expect(decision).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "builders-edit" of ClusterRole "edit" to Group "system:serviceaccounts:shop"' });
  });

  it('reports a binding to a missing role in the Forbidden message', () => {
    bind('shop', 'dangling', { kind: 'Role', name: 'gone' });
    const a = attrs(builder, 'GET', '/api/v1/namespaces/shop/pods/web');
    const decision = createAuthorizer(store).authorize(a);
    expect(decision).toEqual({ allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found' });
    expect(forbiddenError(a, decision.reason).message).toBe(
      'pods "web" is forbidden: User "system:serviceaccount:shop:builder" cannot get resource "pods" in API group "" in the namespace "shop": RBAC: role.rbac.authorization.k8s.io "gone" not found',
    );
  });

  it('lists the rules that apply in a namespace', () => {
    store.create(R.roles, { metadata: { name: 'deployer', namespace: 'shop' }, rules: [{ verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] }] }, { namespace: 'shop' });
    bind('shop', 'deployer', { kind: 'Role', name: 'deployer' });
    const { rules } = createAuthorizer(store).rulesFor(builder, 'shop');
    expect(rules).toContainEqual({ verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] });
    expect(createAuthorizer(store).rulesFor(builder, 'other').rules).not.toContainEqual(expect.objectContaining({ verbs: ['patch'] }));
  });
});

describe('bootstrap policy and aggregation', () => {
  const rulesOf = (name: string) => store.get(R.clusterRoles, undefined, name)['rules'] as PolicyRule[];

  it('creates the default roles labelled as rbac-defaults, with admin ⊃ edit ⊃ view', () => {
    expect(store.get(R.clusterRoles, undefined, 'view').metadata.labels).toMatchObject({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(store.get(R.clusterRoleBindings, undefined, 'cluster-admin')['subjects']).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
    for (const rule of rulesOf('view')) expect(rulesOf('edit')).toContainEqual(rule);
    for (const rule of rulesOf('edit')) expect(rulesOf('admin')).toContainEqual(rule);
    expect(rulesOf('admin').some((r) => r.resources?.includes('rolebindings'))).toBe(true);
    expect(rulesOf('edit').some((r) => r.resources?.includes('rolebindings'))).toBe(false);
  });

  it('adds the rules of a new aggregate-to-view role to view, edit and admin', () => {
    store.create(R.clusterRoles, {
      metadata: { name: 'widgets-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] }],
    });
    aggregateAll(store);
    for (const name of ['view', 'edit', 'admin']) expect(rulesOf(name)).toContainEqual({ verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] });
  });
});
