/**
 * The contract every kind reader meets: the fields of one block in, the objects it describes out,
 * each followed by the Events of its `Events:` table.
 */
import type { KubeObject } from '../../cluster/objects.js';
import type { ReadContext } from './context.js';
import { eventsOf } from './events.js';
import { child, type Field } from './fields.js';
import type { Block } from './text.js';

export interface BlockRead {
  /** The described object, objects read along with it (a service's Endpoints) and its Events. */
  objects: KubeObject[];
  /**
   * Objects another block may describe in full (a node's pods, a deployment's replica sets): kept
   * only when the input holds no describe block of the same object.
   */
  partial?: KubeObject[];
}

export type KindReader = (fields: Field[], ctx: ReadContext, block: Block) => BlockRead;

/** The object followed by the Events describe listed for it. */
export function withEvents(obj: KubeObject, fields: Field[]): KubeObject[] {
  const involved = {
    ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
  };
  return [obj, ...eventsOf(child(fields, 'Events'), involved)];
}
