/**
 * `kubectl describe ingress`: class, default backend, TLS and the `Rules:` table (host, path,
 * backend). A backend prints as `web:80 (10.244.1.5:8080)` with the ready endpoints kubectl found,
 * or `web:80 (<error: endpoints "web" not found>)`: an Ingress has no field for that, so the
 * parenthesised text of every backend is kept, as JSON keyed by `service:port`, in the annotation
 * `kubetriage.io/backend-endpoints`.
 */
import type { ReadContext } from '../context.js';
import { child, descendants, valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf } from '../meta.js';
import { withEvents, type BlockRead } from '../reader.js';
import type { Block } from '../text.js';
import { present } from '../values.js';

export const BACKEND_ENDPOINTS_ANNOTATION = 'kubetriage.io/backend-endpoints';

type Backend = Record<string, unknown>;

interface Rule {
  host: string;
  paths: { path: string; backend: Backend }[];
}

export function readIngress(fields: Field[], ctx: ReadContext, block: Block): BlockRead {
  const metadata = metadataOf(fields, ctx, true, block.prompt?.namespace);
  const spec: Record<string, unknown> = {};
  const status: Record<string, unknown> = {};
  const seen: Record<string, string> = {};

  const ingressClass = present(valueOf(fields, 'Ingress Class'));
  if (ingressClass) spec['ingressClassName'] = ingressClass;
  const defaultBackend = valueOf(fields, 'Default backend');
  if (defaultBackend && defaultBackend !== '<default>') spec['defaultBackend'] = backendOf(defaultBackend, seen);
  const tls = (child(fields, 'TLS')?.children ?? []).flatMap((t): Record<string, unknown>[] => {
    const sni = /^SNI routes (.*)$/.exec(t.text);
    if (sni) return [{ hosts: sni[1]!.split(',') }];
    const term = /^(\S+) terminates ?(.*)$/.exec(t.text);
    return term ? [{ secretName: term[1]!, ...(term[2] ? { hosts: term[2].split(',') } : {}) }] : [];
  });
  if (tls.length > 0) spec['tls'] = tls;
  const rules = rulesOf(child(fields, 'Rules'), seen);
  if (rules.length > 0) {
    spec['rules'] = rules.map((r) => ({
      ...(r.host !== '*' && r.host !== '' ? { host: r.host } : {}),
      http: { paths: r.paths.map((p) => ({ ...(p.path ? { path: p.path } : {}), backend: p.backend })) },
    }));
  }
  const address = present(valueOf(fields, 'Address'));
  if (address) {
    status['loadBalancer'] = { ingress: address.split(',').map((a) => (/^[\d.]+$|:/.test(a) ? { ip: a } : { hostname: a })) };
  }
  if (Object.keys(seen).length > 0) metadata.annotations![BACKEND_ENDPOINTS_ANNOTATION] = JSON.stringify(seen);
  return { objects: withEvents(objectOf('Ingress', metadata, { spec, status }), fields) };
}

/**
 * `web:80 (10.244.1.5:8080,10.244.2.7:8080)`, `web:http (<error: …>)` or a resource backend
 * (`APIGroup: k8s.example.com, Kind: Bucket, Name: static`).
 */
function backendOf(text: string, seen: Record<string, string>): Backend {
  const resource = /^APIGroup: (.*), Kind: (.*), Name: (.*)$/.exec(text);
  if (resource) {
    return { resource: { ...(resource[1] !== '<none>' ? { apiGroup: resource[1] } : {}), kind: resource[2], name: resource[3] } };
  }
  const m = /^([^:\s]+):(\S+)(?: \((.*)\))?$/.exec(text);
  if (!m) return {};
  const port = /^\d+$/.test(m[2]!) ? { number: Number(m[2]) } : { name: m[2] };
  if (m[3] !== undefined) seen[`${m[1]}:${m[2]}`] = m[3];
  return { service: { name: m[1], port } };
}

/**
 * The `Rules:` table: a host row (`  shop.example.com`), then one row per path under it, with the
 * host column left blank. Every row shares the first column's width, so the second column starts
 * where the header's `Path` does.
 */
function rulesOf(section: Field | undefined, seen: Record<string, string>): Rule[] {
  // Path rows are indented past the host row above them, so the field tree nests them under it.
  const [header, ...rows] = section ? descendants(section) : [];
  if (!header) return [];
  const pathCol = header.raw.indexOf('Path');
  const rules: Rule[] = [];
  for (const row of rows) {
    if (/^-+(\s+-+)*$/.test(row.text)) continue;
    const cells = rowCells(row, pathCol);
    if (cells.host !== '') {
      // `*  *  <default>`: kubectl's placeholder for an ingress with no HTTP rules.
      if (cells.rest !== '') continue;
      rules.push({ host: cells.host, paths: [] });
      continue;
    }
    const rule = rules[rules.length - 1] ?? { host: '*', paths: [] };
    if (rules.length === 0) rules.push(rule);
    const m = cells.pathPrinted ? /^(\S+)\s+(.*)$/.exec(cells.rest) : null;
    const path = m ? m[1]! : '';
    rule.paths.push({ path, backend: backendOf(m ? m[2]!.trim() : cells.rest, seen) });
  }
  return rules;
}

/** A row's host cell and the rest, by the `Path` column when the row lines up, else by indentation. */
function rowCells(row: Field, pathCol: number): { host: string; rest: string; pathPrinted: boolean } {
  if (pathCol > 0 && row.raw.length > pathCol && row.raw[pathCol - 1] === ' ') {
    return { host: row.raw.slice(0, pathCol).trim(), rest: row.raw.slice(pathCol).trim(), pathPrinted: row.raw[pathCol] !== ' ' };
  }
  const parts = row.text.split(/\s{2,}/);
  if (row.indent <= 2) return { host: parts[0] ?? '', rest: parts.slice(1).join('  '), pathPrinted: true };
  return { host: '', rest: row.text, pathPrinted: parts.length > 1 };
}
