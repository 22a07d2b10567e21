/**
 * `kubectl describe service`: selector, type, cluster IPs and the ports, each followed by its
 * `TargetPort:`, `NodePort:` and `Endpoints:` lines. The `Endpoints:` lines also give an Endpoints
 * object: the ready addresses describe lists per port (`<none>` when there are none). Describe
 * leaves out addresses that are not ready and cuts the list after three (`+ 2 more...`); a cut list
 * is marked with `kubetriage.io/endpoints-truncated`.
 */
import type { ReadContext } from '../context.js';
import { valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf, SOURCE_ANNOTATION } from '../meta.js';
import { withEvents, type BlockRead } from '../reader.js';
import type { Block } from '../text.js';
import { intOrString, keyValueMap, present } from '../values.js';

export const ENDPOINTS_TRUNCATED_ANNOTATION = 'kubetriage.io/endpoints-truncated';

interface PortRead {
  spec: Record<string, unknown>;
  /** `ip` → target port of the ready endpoints describe listed for this port. */
  endpoints: { ip: string; port: number | undefined }[];
  truncated: boolean;
  endpointsLine: boolean;
}

export function readService(fields: Field[], ctx: ReadContext, block: Block): BlockRead {
  const metadata = metadataOf(fields, ctx, true, block.prompt?.namespace);
  const spec: Record<string, unknown> = {};
  const status: Record<string, unknown> = {};
  const v = (key: string): string | undefined => present(valueOf(fields, key));

  const selector = keyValueMap((v('Selector') ?? '').split(',').filter((s) => s !== ''));
  if (Object.keys(selector).length > 0) spec['selector'] = selector;
  const simple: [string, string][] = [['Type', 'type'], ['IP Family Policy', 'ipFamilyPolicy'], ['IP', 'clusterIP'],
    ['External Name', 'externalName'], ['Desired LoadBalancer IP', 'loadBalancerIP'], ['Session Affinity', 'sessionAffinity'],
    ['External Traffic Policy', 'externalTrafficPolicy'], ['Internal Traffic Policy', 'internalTrafficPolicy'],
    ['Traffic Distribution', 'trafficDistribution']];
  for (const [label, key] of simple) {
    const value = v(label);
    if (value) spec[key] = value;
  }
  for (const [label, key] of [['IP Families', 'ipFamilies'], ['IPs', 'clusterIPs'], ['External IPs', 'externalIPs'],
    ['LoadBalancer Source Ranges', 'loadBalancerSourceRanges']] as const) {
    const value = v(label);
    if (value) spec[key] = value.split(',');
  }
  const healthCheck = fields.find((f) => f.key === 'HealthCheck NodePort');
  if (healthCheck) spec['healthCheckNodePort'] = ctx.int(healthCheck);
  const lb = v('LoadBalancer Ingress');
  if (lb) {
    status['loadBalancer'] = {
      ingress: lb.split(', ').map((item) => {
        const m = /^(\S+)(?: \((\w+)\))?$/.exec(item)!;
        const isIP = /^[\d.]+$|:/.test(m[1]!);
        return { ...(isIP ? { ip: m[1] } : { hostname: m[1] }), ...(m[2] ? { ipMode: m[2] } : {}) };
      }),
    };
  }
  const ports = portsOf(fields, ctx);
  if (ports.length > 0) spec['ports'] = ports.map((p) => p.spec);

  const service = objectOf('Service', metadata, { spec, status });
  const objects = withEvents(service, fields);
  if (ports.some((p) => p.endpointsLine)) objects.splice(1, 0, endpointsOf(metadata, ports));
  return { objects };
}

/** Each `Port:` line starts a port; the lines after it, up to the next `Port:`, belong to it. */
function portsOf(fields: Field[], ctx: ReadContext): PortRead[] {
  const ports: PortRead[] = [];
  for (const f of fields) {
    if (f.key === 'Port') {
      const m = ctx.match(f, /^(\S+)\s+(\d+)\/(\w+)$/, '"<name>  <port>/<protocol>"');
      const spec: Record<string, unknown> = { port: Number(m[2]), protocol: m[3] };
      if (m[1] !== '<unset>') spec['name'] = m[1];
      ports.push({ spec, endpoints: [], truncated: false, endpointsLine: false });
      continue;
    }
    const port = ports[ports.length - 1];
    if (!port) continue;
    if (f.key === 'TargetPort') {
      const target = /^(\S+)\/\w+$/.exec(f.value)?.[1];
      if (target !== undefined) port.spec['targetPort'] = intOrString(target);
    } else if (f.key === 'NodePort') {
      const m = /(\d+)\/\w+$/.exec(f.value);
      if (m) port.spec['nodePort'] = Number(m[1]);
    } else if (f.key === 'AppProtocol') {
      port.spec['appProtocol'] = f.value;
    } else if (f.key === 'Endpoints') {
      port.endpointsLine = true;
      readEndpointsLine(f.value, port);
    }
  }
  return ports;
}

/** `10.244.1.5:8080,10.244.2.7:8080 + 2 more...`, `[fd00::5]:8080`, or `<none>`. */
function readEndpointsLine(text: string, port: PortRead): void {
  const more = / \+ \d+ more\.\.\.$/.exec(text);
  if (more) port.truncated = true;
  const list = more ? text.slice(0, more.index) : text;
  if (present(list) === undefined) return;
  for (const item of list.split(',')) {
    const entry = item.trim();
    // net.JoinHostPort brackets IPv6 addresses; a headless service without ports prints bare addresses.
    const m = /^\[(.+)\]:(\d+)$/.exec(entry) ?? /^([^:]+):(\d+)$/.exec(entry);
    port.endpoints.push(m ? { ip: m[1]!, port: Number(m[2]) } : { ip: entry, port: undefined });
  }
}

/** The Endpoints object: one subset per set of addresses, with the ports those addresses serve. */
function endpointsOf(service: { name: string; namespace?: string }, ports: PortRead[]) {
  const subsets = new Map<string, { addresses: { ip: string }[]; ports: Record<string, unknown>[] }>();
  for (const p of ports) {
    if (p.endpoints.length === 0) continue;
    const ips = [...new Set(p.endpoints.map((e) => e.ip))];
    const key = [...ips].sort().join(',');
    let subset = subsets.get(key);
    if (!subset) subsets.set(key, (subset = { addresses: ips.map((ip) => ({ ip })), ports: [] }));
    const target = p.endpoints[0]!.port;
    if (target === undefined) continue;
    subset.ports.push({ ...(p.spec['name'] ? { name: p.spec['name'] } : {}), port: target, protocol: p.spec['protocol'] });
  }
  const annotations: Record<string, string> = { [SOURCE_ANNOTATION]: 'describe' };
  if (ports.some((p) => p.truncated)) annotations[ENDPOINTS_TRUNCATED_ANNOTATION] = 'true';
  const metadata = { name: service.name, ...(service.namespace !== undefined ? { namespace: service.namespace } : {}), annotations };
  const body = subsets.size > 0 ? { subsets: [...subsets.values()].map((s) => (s.ports.length > 0 ? s : { addresses: s.addresses })) } : {};
  return objectOf('Endpoints', metadata, body);
}
