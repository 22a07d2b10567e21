/**
 * Turns the lines of one describe block into a tree of fields by indentation, the way kubectl's
 * prefix writer nests them (two spaces a level). Each field keeps its line number and raw text, so
 * that readers can quote it and tables can be sliced by column.
 */
import { indentOf, type SourceLine } from './text.js';

/** A line that continues the value of the field above it (a second label, a wrapped message line). */
export interface Continuation {
  text: string;
  /** The line as printed, relative to the block: kubectl prints later lines of a multi-line message at column 0. */
  raw: string;
  indent: number;
  line: number;
}

export interface Field {
  /** The label before `:`, e.g. `Restart Count`; undefined for a line that is not `Key: value` (a table row). */
  key: string | undefined;
  /** The text after the label, trimmed; the whole trimmed line when there is no label. */
  value: string;
  /** The whole line, trimmed. */
  text: string;
  /** The line as printed, relative to the block. */
  raw: string;
  indent: number;
  /** Column where the value starts; -1 when the line has no value. */
  valueCol: number;
  line: number;
  more: Continuation[];
  children: Field[];
  /** For a top-level `Events:` field: every line after it, as printed (rows wrap and may start at column 0). */
  tail?: SourceLine[];
}

/**
 * Labels whose values kubectl prints one per line under the first (`Labels:`, `Tolerations:` …). When
 * a paste has lost the alignment, their extra lines are still recognised as theirs.
 */
const MULTILINE_KEYS = new Set([
  'Labels', 'Annotations', 'Node-Selectors', 'Tolerations', 'Taints', 'Used By', 'Finalizers', 'Selector',
]);

/**
 * Top-level labels of the describers we read: a line at column 0 inside a multi-line message ends
 * the message only when it is one of these.
 */
const TOP_LEVEL_KEYS = new Set([
  'Name', 'Namespace', 'Priority', 'Priority Class Name', 'Runtime Class Name', 'Service Account', 'Node', 'Start Time',
  'Labels', 'Annotations', 'Status', 'Termination Grace Period', 'Reason', 'Message', 'SeccompProfile',
  'LocalhostProfile', 'IP', 'IPs', 'Controlled By', 'NominatedNodeName', 'Resources', 'Init Containers', 'Containers',
  'Ephemeral Containers', 'Readiness Gates', 'Conditions', 'Volumes', 'QoS Class', 'Node-Selectors', 'Tolerations',
  'Topology Spread Constraints', 'Events', 'CreationTimestamp', 'Selector', 'Replicas', 'StrategyType',
  'MinReadySeconds', 'RollingUpdateStrategy', 'Pod Template', 'OldReplicaSets', 'NewReplicaSet', 'Pods Status',
  'Update Strategy', 'Volume Claims', 'Parallelism', 'Completions', 'Completion Mode', 'Suspend', 'Backoff Limit',
  'TTL Seconds After Finished', 'Completed At', 'Duration', 'Active Deadline Seconds', 'Pods Statuses',
  'Completed Indexes', 'Roles', 'Taints', 'Unschedulable', 'Lease', 'Addresses', 'Capacity', 'Allocatable',
  'System Info', 'PodCIDR', 'PodCIDRs', 'ProviderID', 'Non-terminated Pods', 'Allocated resources', 'Pods', 'Type',
  'IP Family Policy', 'IP Families', 'External IPs', 'Desired LoadBalancer IP', 'External Name', 'LoadBalancer Ingress',
  'Port', 'TargetPort', 'AppProtocol', 'NodePort', 'Endpoints', 'Session Affinity', 'External Traffic Policy',
  'Internal Traffic Policy', 'HealthCheck NodePort', 'LoadBalancer Source Ranges', 'Traffic Distribution',
  'StorageClass', 'Volume', 'Finalizers', 'Access Modes', 'VolumeMode', 'DataSource', 'Used By', 'Claim',
  'Reclaim Policy', 'Node Affinity', 'Source', 'Address', 'Ingress Class', 'Default backend', 'TLS', 'Rules',
]);

const KEY = /^([^\s:](?:[^:]*[^\s:])?):(?:\s+|$)/;

/** Splits `Key:   value` into its label and value; undefined when the line is not of that form. */
export function splitKey(trimmed: string): { key: string; value: string; offset: number } | undefined {
  const m = KEY.exec(trimmed);
  if (!m || m[1]!.includes('  ') || m[1]!.length > 64) return undefined;
  return { key: m[1]!, value: trimmed.slice(m[0].length).trim(), offset: m[0].length };
}

function fieldOf(line: SourceLine): Field {
  const trimmed = line.text.trimStart();
  const indent = line.text.length - trimmed.length;
  const kv = splitKey(trimmed);
  const base = { text: trimmed.trim(), raw: line.text, indent, line: line.no, more: [], children: [] };
  if (!kv) return { ...base, key: undefined, value: trimmed.trim(), valueCol: -1 };
  return { ...base, key: kv.key, value: kv.value, valueCol: kv.value === '' ? -1 : indent + kv.offset };
}

function continuationOf(line: SourceLine): Continuation {
  return { text: line.text.trim(), raw: line.text, indent: indentOf(line.text), line: line.no };
}

/** The fields of a block, nested by indentation. */
export function buildFields(lines: SourceLine[]): Field[] {
  const roots: Field[] = [];
  const stack: Field[] = [];
  let last: Field | undefined;
  let message: Field | undefined;
  let events: Field | undefined;
  for (const line of lines) {
    if (events) {
      events.tail!.push(line);
      continue;
    }
    if (line.text.trim() === '') continue;
    const indent = indentOf(line.text);
    if (message && continuesMessage(message, line, indent)) {
      message.more.push(continuationOf(line));
      continue;
    }
    message = undefined;
    if (last && continuesValue(last, line, indent)) {
      last.more.push(continuationOf(line));
      continue;
    }
    const field = fieldOf(line);
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    (stack[stack.length - 1]?.children ?? roots).push(field);
    stack.push(field);
    last = field;
    if (field.key === 'Message') message = field;
    if (indent === 0 && field.key === 'Events' && field.value === '') {
      field.tail = [];
      events = field;
    }
  }
  return roots;
}

/**
 * Whether a line continues the value of the field above it: aligned under its value (the second
 * label, the next toleration), a loose line at column 0 (the rest of a value with a newline in it),
 * or, when the paste lost the alignment, an extra value of a multi-line label.
 */
function continuesValue(last: Field, line: SourceLine, indent: number): boolean {
  if (last.valueCol > last.indent && indent >= last.valueCol) return true;
  const kv = splitKey(line.text.trim());
  if (indent === 0 && !kv) return true;
  return last.key !== undefined && MULTILINE_KEYS.has(last.key) && last.value !== '' && indent > last.indent && !kv;
}

/**
 * kubectl prints the second and later lines of a multi-line message at column 0 (after the `\n` in
 * the text); they may look like anything. The message ends at the next describe field.
 */
function continuesMessage(message: Field, line: SourceLine, indent: number): boolean {
  if (indent > message.indent) return true;
  const kv = splitKey(line.text.trim());
  if (!kv) return true;
  return indent === 0 && !TOP_LEVEL_KEYS.has(kv.key);
}

/** The direct child with this label. */
export function child(fields: readonly Field[] | undefined, key: string): Field | undefined {
  return fields?.find((f) => f.key === key);
}

/** The value of the direct child with this label; undefined when absent. */
export function valueOf(fields: readonly Field[] | undefined, key: string): string | undefined {
  return child(fields, key)?.value;
}

/** A field's value and the lines that continue it, each trimmed. */
export function valueLines(field: Field): string[] {
  const lines = field.value === '' ? [] : [field.value];
  return lines.concat(field.more.map((m) => m.text));
}

/**
 * A multi-line message as kubectl had it: the first line's value, then the later lines as printed
 * (kubectl prints them at column 0, so their own leading spaces are the message's).
 */
export function messageText(field: Field): string {
  const rest = [...field.more.map((m) => ({ line: m.line, raw: m.raw })), ...descendants(field).map((d) => ({ line: d.line, raw: d.raw }))]
    .sort((a, b) => a.line - b.line)
    .map((r) => r.raw);
  return [field.value, ...rest].join('\n');
}

/** Every field nested under this one, in line order. */
export function descendants(field: Field): Field[] {
  const out: Field[] = [];
  for (const c of field.children) out.push(c, ...descendants(c));
  return out;
}
