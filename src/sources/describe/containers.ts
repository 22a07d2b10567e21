/**
 * A `Containers:` (or `Init Containers:`) section, as pods and pod templates print it: the container
 * specs and, for pods, their statuses.
 */
import type { Container, ContainerStatus, Probe } from '../../cluster/objects.js';
import type { ReadContext } from './context.js';
import { child, descendants, messageText, valueLines, valueOf, type Field } from './fields.js';
import { boolOf, isoTime, present, resourceList } from './values.js';

type ContainerState = NonNullable<ContainerStatus['state']>;
type EnvVar = NonNullable<Container['env']>[number];
type EnvFromSource = NonNullable<Container['envFrom']>[number];
type ContainerPort = NonNullable<Container['ports']>[number];
type VolumeMount = NonNullable<Container['volumeMounts']>[number];

export interface ContainersRead {
  containers: Container[];
  /** Only for containers that have a status (pods, not templates), in the same order. */
  statuses: ContainerStatus[];
}

/** The containers of a section; `Containers: <none>` or a missing section give none. */
export function readContainers(section: Field | undefined, ctx: ReadContext): ContainersRead {
  const read: ContainersRead = { containers: [], statuses: [] };
  for (const field of section?.children ?? []) {
    if (field.key === undefined || field.value !== '') continue;
    read.containers.push(containerOf(field, ctx));
    const status = statusOf(field, ctx);
    if (status) read.statuses.push(status);
  }
  return read;
}

function containerOf(field: Field, ctx: ReadContext): Container {
  const f = field.children;
  const container: Container = { name: field.key! };
  const image = valueOf(f, 'Image');
  if (image !== undefined && image !== '') container.image = image;
  const ports = portsOf(valueOf(f, 'Ports') ?? valueOf(f, 'Port'), valueOf(f, 'Host Ports') ?? valueOf(f, 'Host Port'));
  if (ports.length > 0) container.ports = ports;
  const command = argLines(child(f, 'Command'));
  if (command.length > 0) container.command = command;
  const args = argLines(child(f, 'Args'));
  if (args.length > 0) container.args = args;
  const limits = resourceList(child(f, 'Limits'));
  const requests = resourceList(child(f, 'Requests'));
  if (Object.keys(limits).length + Object.keys(requests).length > 0) {
    container.resources = {
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
      ...(Object.keys(requests).length > 0 ? { requests } : {}),
    };
  }
  for (const [label, key] of [['Liveness', 'livenessProbe'], ['Readiness', 'readinessProbe'], ['Startup', 'startupProbe']] as const) {
    const probeField = child(f, label);
    if (probeField) container[key] = probeOf(probeField, ctx);
  }
  const envFrom = envFromOf(child(f, 'Environment Variables from'));
  if (envFrom.length > 0) container.envFrom = envFrom;
  const env = envOf(child(f, 'Environment'));
  if (env.length > 0) container.env = env;
  const mounts = mountsOf(child(f, 'Mounts'));
  if (mounts.length > 0) container.volumeMounts = mounts;
  const devices = (child(f, 'Devices')?.children ?? []).flatMap((d) => {
    const m = /^(\S+) from (\S+)$/.exec(d.text);
    return m ? [{ devicePath: m[1]!, name: m[2]! }] : [];
  });
  if (devices.length > 0) container.volumeDevices = devices;
  return container;
}

/** `Command:`/`Args:` lines; kubectl prints each argument's lines one per line, so a multi-line argument reads as several. */
function argLines(field: Field | undefined): string[] {
  if (!field) return [];
  const lines = descendants(field);
  const base = Math.min(...lines.map((l) => l.indent));
  return lines.map((l) => l.raw.slice(base));
}

/** `8080/TCP (http), 9090/TCP (metrics)` with the host ports printed the same way beside them. */
function portsOf(text: string | undefined, hostText: string | undefined): ContainerPort[] {
  if (present(text) === undefined) return [];
  const hosts = (hostText ?? '').split(', ');
  return text!.split(', ').flatMap((part, i) => {
    const m = /^(\d+)\/(\w+)(?: \((.+)\))?$/.exec(part.trim());
    if (!m) return [];
    const port: ContainerPort = { containerPort: Number(m[1]), protocol: m[2]! };
    if (m[3]) port.name = m[3];
    const host = /^(\d+)\//.exec(hosts[i] ?? '');
    if (host && host[1] !== '0') port.hostPort = Number(host[1]);
    return [port];
  });
}

const PROBE = /^(http-get|tcp-socket|exec|grpc|unknown)\s+(.*?)\s*delay=(\d+)s timeout=(\d+)s period=(\d+)s #success=(\d+) #failure=(\d+)$/;

/** A probe line: `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function probeOf(field: Field, ctx: ReadContext): Probe {
  const m = ctx.match(field, PROBE, '"<http-get URL|tcp-socket host:port|exec [command]|grpc <pod>:port> delay=Ns timeout=Ns period=Ns #success=N #failure=N"');
  const probe: Probe = {
    initialDelaySeconds: Number(m[3]), timeoutSeconds: Number(m[4]), periodSeconds: Number(m[5]),
    successThreshold: Number(m[6]), failureThreshold: Number(m[7]),
  };
  const action = m[2]!;
  switch (m[1]) {
    case 'http-get': probe.httpGet = httpGetOf(action); break;
    case 'tcp-socket': {
      const colon = action.lastIndexOf(':');
      const host = action.slice(0, colon);
      probe.tcpSocket = { port: portValue(action.slice(colon + 1)), ...(host ? { host } : {}) };
      break;
    }
    case 'exec': probe.exec = { command: action.replace(/^\[|\]$/g, '').split(' ').filter((s) => s !== '') }; break;
    case 'grpc': {
      const g = /^<pod>:(\d+)\s*(\S*)$/.exec(action);
      if (g) probe.grpc = { port: Number(g[1]), ...(g[2] ? { service: g[2] } : {}) };
      break;
    }
  }
  return probe;
}

/** `http://:8080/healthz`, `https://10.0.0.1:http/ready?x=1` (Go's url.String of scheme, host:port, path). */
function httpGetOf(url: string): NonNullable<Probe['httpGet']> {
  const m = /^(\w+):\/\/(\[[^\]]*\]|[^/:]*)(?::([^/]*))?(\/.*)?$/.exec(url);
  if (!m) return { port: '', path: url };
  const action: NonNullable<Probe['httpGet']> = { port: portValue(m[3] ?? ''), scheme: m[1]!.toUpperCase() };
  const host = m[2]!.replace(/^\[|\]$/g, '');
  if (host) action.host = host;
  if (m[4]) action.path = safeDecode(m[4]);
  return action;
}

function safeDecode(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function portValue(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

const CONFIG_MAP_KEY = /^<set to the key '(.*)' of config map '(.*)'>\s+Optional: (true|false)$/;
const SECRET_KEY = /^<set to the key '(.*)' in secret '(.*)'>\s+Optional: (true|false)$/;
const FIELD_REF = /^(.*?)\s*\(([\w.-]+(?:\/[\w.-]+)?):([^)]+)\)$/;
const RESOURCE_REF = /^(.*?)\s*\(((?:limits|requests)\.[\w./-]+)\)$/;

/** `Environment:` entries: plain values, or references to config maps, secrets, pod fields and resources. */
function envOf(section: Field | undefined): EnvVar[] {
  const out: EnvVar[] = [];
  for (const f of section?.children ?? []) {
    if (f.key === undefined) continue;
    out.push(envVarOf(f));
  }
  return out;
}

function envVarOf(f: Field): EnvVar {
  const name = f.key!;
  const text = f.value;
  const cm = CONFIG_MAP_KEY.exec(text);
  if (cm) return { name, valueFrom: { configMapKeyRef: { key: cm[1]!, name: cm[2]!, ...(cm[3] === 'true' ? { optional: true } : {}) } } };
  const secret = SECRET_KEY.exec(text);
  if (secret) return { name, valueFrom: { secretKeyRef: { key: secret[1]!, name: secret[2]!, ...(secret[3] === 'true' ? { optional: true } : {}) } } };
  const resource = RESOURCE_REF.exec(text);
  if (resource) return { name, valueFrom: { resourceFieldRef: { resource: resource[2]! } } };
  const fieldRef = FIELD_REF.exec(text);
  if (fieldRef && /^v\d|\/v\d/.test(fieldRef[2]!)) return { name, valueFrom: { fieldRef: { apiVersion: fieldRef[2]!, fieldPath: fieldRef[3]! } } };
  const lines = valueLines(f);
  return { name, value: lines.join('\n') };
}

const ENV_FROM = /^(\S+)\s+(ConfigMap|Secret)(?: with prefix '(.*)')?\s+Optional: (true|false)$/;

/** `Environment Variables from:` rows: `app-config  ConfigMap  Optional: false`. */
function envFromOf(section: Field | undefined): EnvFromSource[] {
  const out: EnvFromSource[] = [];
  for (const f of section?.children ?? []) {
    const m = ENV_FROM.exec(f.text);
    if (!m) continue;
    const ref = { name: m[1]!, ...(m[4] === 'true' ? { optional: true } : {}) };
    const source: EnvFromSource = m[2] === 'ConfigMap' ? { configMapRef: ref } : { secretRef: ref };
    if (m[3] !== undefined) source.prefix = m[3];
    out.push(source);
  }
  return out;
}

/** `Mounts:` rows: `/data from data (rw,path="sub")`. */
function mountsOf(section: Field | undefined): VolumeMount[] {
  const out: VolumeMount[] = [];
  for (const f of section?.children ?? []) {
    const m = /^(.+) from (\S+) \(([^)]*)\)$/.exec(f.text);
    if (!m) continue;
    const mount: VolumeMount = { mountPath: m[1]!, name: m[2]! };
    const flags = m[3]!.split(',');
    if (flags.includes('ro')) mount.readOnly = true;
    const sub = /^path="(.*)"$/.exec(flags.find((fl) => fl.startsWith('path=')) ?? '');
    if (sub) mount.subPath = sub[1]!;
    out.push(mount);
  }
  return out;
}

/** The status of a container, when the section printed one (`Container ID:` or `State:`). */
function statusOf(field: Field, ctx: ReadContext): ContainerStatus | undefined {
  const f = field.children;
  const stateField = child(f, 'State');
  if (!child(f, 'Container ID') && !stateField) return undefined;
  const restart = child(f, 'Restart Count');
  const status: ContainerStatus = {
    name: field.key!,
    image: valueOf(f, 'Image') ?? '',
    imageID: valueOf(f, 'Image ID') ?? '',
    ready: boolOf(valueOf(f, 'Ready')) ?? false,
    restartCount: restart ? ctx.int(restart) : 0,
  };
  const id = present(valueOf(f, 'Container ID'));
  if (id) status.containerID = id;
  if (stateField) status.state = stateOf(stateField, ctx);
  const last = child(f, 'Last State');
  if (last) status.lastState = stateOf(last, ctx);
  return status;
}

/** `State:  Terminated` and the lines under it. */
function stateOf(field: Field, ctx: ReadContext): ContainerState {
  const f = field.children;
  const reason = present(valueOf(f, 'Reason'));
  const messageField = child(f, 'Message');
  const message = messageField ? messageText(messageField) : undefined;
  switch (field.value) {
    case 'Running': {
      const startedAt = isoTime(valueOf(f, 'Started') ?? '');
      return { running: startedAt ? { startedAt } : {} };
    }
    case 'Terminated': {
      const exit = child(f, 'Exit Code');
      if (!exit) ctx.fail(field.line, `expected "Exit Code:" under "${field.key}: Terminated"`);
      const terminated: NonNullable<ContainerState['terminated']> = { exitCode: ctx.int(exit) };
      if (reason) terminated.reason = reason;
      if (message) terminated.message = message;
      const signal = child(f, 'Signal');
      if (signal) terminated.signal = ctx.int(signal);
      const startedAt = isoTime(valueOf(f, 'Started') ?? '');
      if (startedAt) terminated.startedAt = startedAt;
      const finishedAt = isoTime(valueOf(f, 'Finished') ?? '');
      if (finishedAt) terminated.finishedAt = finishedAt;
      return { terminated };
    }
    case 'Waiting':
      return { waiting: { ...(reason ? { reason } : {}), ...(message ? { message } : {}) } };
    default:
      return ctx.fail(field.line, `cannot read "${field.key}: ${field.value}": expected Running, Waiting or Terminated`);
  }
}
