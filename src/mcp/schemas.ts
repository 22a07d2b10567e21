/** The argument shapes the tools share: one zod schema each, validating the call and describing it to the model. */
import { z } from 'zod';

export const namespaceArg = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name: lower-case letters, digits and -')
  .describe('A Kubernetes namespace, e.g. "shop".');

export const nameArg = z.string().max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'one object\'s name: lower-case letters, digits, - and .')
  .describe('The object\'s exact name (no wildcards, no selectors).');

export const kindArg = z.string().min(1).max(64).regex(/^[A-Za-z]+$/, 'a kind such as Deployment or Pod')
  .describe('The object\'s kind, e.g. Deployment, StatefulSet, Pod, Service, Node, ConfigMap (case-insensitive).');

export const findingIdArg = z.string().min(1).max(300).describe('A finding id exactly as list_incidents or diagnose_namespace returned it.');

export const severityArg = z.enum(['critical', 'warning', 'info']).describe('Only incidents at least this severe.');
