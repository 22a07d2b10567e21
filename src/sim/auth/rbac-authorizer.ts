/**
 * The RBAC authorizer over the simulator's store: it walks the ClusterRoleBindings, then (for a
 * namespaced request) the RoleBindings of the request's namespace, and allows the request when a
 * rule of a role bound to the user matches. Bindings that point at a missing role are reported in
 * the reason, as the real authorizer reports them (`RBAC: role.rbac.authorization.k8s.io "x" not found`).
 */
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { type PolicyRule, type Subject, describeSubject, ruleAllows, subjectMatches } from './rbac-rules.js';
import type { RequestAttributes } from './request-attributes.js';
import type { UserInfo } from './user-info.js';

/** An authorizer's answer: allowed or not, and why (empty when it has nothing to say). */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** Called for every rule that applies to a user (or with the error that kept a role from being read); false stops the walk. */
type RuleVisitor = (source: string, rule: PolicyRule | undefined, error: string | undefined) => boolean;

interface RoleRef {
  kind?: string;
  name?: string;
}

const R = {
  roles: lookupResource('roles.rbac.authorization.k8s.io')!,
  clusterRoles: lookupResource('clusterroles.rbac.authorization.k8s.io')!,
  roleBindings: lookupResource('rolebindings.rbac.authorization.k8s.io')!,
  clusterRoleBindings: lookupResource('clusterrolebindings.rbac.authorization.k8s.io')!,
};

/** RBAC decisions and rule listings read from the store at the time of each request. */
export class RbacAuthorizer {
  constructor(private readonly store: ObjectStore) {}

  /** Allows when a bound rule matches; otherwise no opinion, with the errors met on the way. */
  authorize(attrs: RequestAttributes): Decision {
    let reason = '';
    const errors: string[] = [];
    this.visitRules(attrs.user, attrs.namespace, (source, rule, error) => {
      if (error !== undefined) errors.push(error);
      if (rule && ruleAllows(attrs, rule)) {
        reason = `RBAC: allowed by ${source}`;
        return false;
      }
      return true;
    });
    if (reason) return { allowed: true, reason };
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
  }

  /** Every rule that applies to the user in a namespace (cluster-wide ones included), and the errors met. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRules(user, namespace, (_source, rule, error) => {
      if (rule) rules.push(rule);
      if (error !== undefined) errors.push(error);
      return true;
    });
    return { rules, errors };
  }

  private visitRules(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    for (const binding of this.store.list(R.clusterRoleBindings).items) {
      const subject = firstMatchingSubject(binding, user, '');
      if (!subject) continue;
      const roleRef = binding['roleRef'] as RoleRef | undefined;
      const source = `ClusterRoleBinding ${JSON.stringify(binding.metadata.name)} of ${roleRef?.kind ?? ''} ${JSON.stringify(roleRef?.name ?? '')} to ${describeSubject(subject, '')}`;
      if (!this.visitRole(roleRef, '', source, visit)) return;
    }
    if (namespace === '') return;
    for (const binding of this.store.list(R.roleBindings, { namespace }).items) {
      const subject = firstMatchingSubject(binding, user, namespace);
      if (!subject) continue;
      const roleRef = binding['roleRef'] as RoleRef | undefined;
      const source = `RoleBinding ${JSON.stringify(`${binding.metadata.name}/${namespace}`)} of ${roleRef?.kind ?? ''} ${JSON.stringify(roleRef?.name ?? '')} to ${describeSubject(subject, namespace)}`;
      if (!this.visitRole(roleRef, namespace, source, visit)) return;
    }
  }

  /** Visits the rules of the referenced role; false when the visitor asked to stop. */
  private visitRole(roleRef: RoleRef | undefined, namespace: string, source: string, visit: RuleVisitor): boolean {
    const { rules, error } = this.roleRules(roleRef, namespace);
    if (error !== undefined) return visit(source, undefined, error);
    for (const rule of rules) {
      if (!visit(source, rule, undefined)) return false;
    }
    return true;
  }

  private roleRules(roleRef: RoleRef | undefined, namespace: string): { rules: PolicyRule[]; error?: string } {
    const name = roleRef?.name ?? '';
    if (roleRef?.kind === 'ClusterRole') return this.read(R.clusterRoles, undefined, name, 'clusterrole');
    if (roleRef?.kind === 'Role' && namespace !== '') return this.read(R.roles, namespace, name, 'role');
    return { rules: [], error: `unsupported role reference kind: ${JSON.stringify(roleRef?.kind ?? '')}` };
  }

  private read(resource: typeof R.roles, namespace: string | undefined, name: string, singular: string): { rules: PolicyRule[]; error?: string } {
    try {
      const role = this.store.get(resource, namespace, name);
      return { rules: (role['rules'] as PolicyRule[] | null | undefined) ?? [] };
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return { rules: [], error: `${singular}.rbac.authorization.k8s.io ${JSON.stringify(name)} not found` };
      throw err;
    }
  }
}

function firstMatchingSubject(binding: KubeObject, user: UserInfo, namespace: string): Subject | undefined {
  const subjects = (binding['subjects'] as Subject[] | null | undefined) ?? [];
  return subjects.find((s) => subjectMatches(s, user, namespace));
}

/** How apimachinery's aggregate error prints: one message alone, several in brackets. */
function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}
