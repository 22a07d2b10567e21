/**
 * Reads Kubernetes objects from YAML (`kubectl get -o yaml`, manifests): several documents, a
 * `List` document expanded into its items, single objects. YAML is read as one string, so its size
 * is bounded by {@link YAML_MAX_BYTES}; JSON has no such bound.
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { looksLikeObject, type KubeObject } from '../../cluster/objects.js';
import { InputError } from '../input-error.js';

/** Just under V8's longest string. */
export const YAML_MAX_BYTES = 512 * 1024 * 1024;
export const YAML_TOO_LARGE_ADVICE = 'ask kubectl for JSON instead (-o json), which is streamed';

/**
 * Calls `onObject` for every object of every document; returns how many there were.
 * @throws InputError naming the document (from 1) and its line for invalid YAML or non-objects
 * @example readYamlObjects(fs.readFileSync('pods.yaml', 'utf8'), 'pods.yaml', (o) => builder.add(o))
 */
export function readYamlObjects(text: string, origin: string, onObject: (obj: KubeObject) => void): number {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines });
  if (!Array.isArray(documents)) return 0; // an empty stream
  let count = 0;
  documents.forEach((document, i) => {
    count += readDocument(document, i + 1, origin, lines, onObject);
  });
  return count;
}

function readDocument(
  document: Document.Parsed, number: number, origin: string, lines: LineCounter, onObject: (obj: KubeObject) => void,
): number {
  const [error] = document.errors;
  if (error) {
    const at = error.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    throw new InputError(origin, `invalid YAML in document ${number}${where}: ${message}`, { cause: error });
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return 0; // an empty document, e.g. after a trailing `---`
  const lineOf = (path: (string | number)[]): number => {
    const node = path.length === 0 ? document.contents : document.getIn(path, true);
    const offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
    return lines.linePos(offset).line;
  };
  if (isList(value)) return readListItems(value, number, origin, lineOf, onObject);
  if (!looksLikeObject(value)) {
    throw new InputError(origin, `document ${number} (line ${lineOf([])}) is not a Kubernetes object: it has no kind or metadata.name`);
  }
  onObject(value);
  return 1;
}

function isList(value: unknown): value is { kind?: string; apiVersion?: string; items: unknown[] } {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  return Array.isArray(items) && (kind === undefined || (typeof kind === 'string' && kind.endsWith('List')));
}

/** A typed list's items may omit kind and apiVersion (`PodList` holds `Pod`s). */
function readListItems(
  list: { kind?: string; apiVersion?: string; items: unknown[] }, number: number, origin: string,
  lineOf: (path: (string | number)[]) => number, onObject: (obj: KubeObject) => void,
): number {
  const itemKind = list.kind && list.kind !== 'List' ? list.kind.slice(0, -'List'.length) : undefined;
  list.items.forEach((item, index) => {
    if (itemKind && typeof item === 'object' && item !== null) {
      const object = item as Record<string, unknown>;
      object.kind ??= itemKind;
      if (list.apiVersion !== undefined) object.apiVersion ??= list.apiVersion;
    }
    if (!looksLikeObject(item)) {
      throw new InputError(origin, `document ${number}, item ${index} (line ${lineOf(['items', index])}) has no kind or metadata.name`);
    }
    onObject(item);
  });
  return list.items.length;
}
