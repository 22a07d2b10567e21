/**
 * Content negotiation on the Accept header, as the apiserver does it: the first media type the
 * server can produce wins. Clients ask for Tables (`as=Table;g=meta.k8s.io;v=v1`), aggregated
 * discovery (`as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2`) or plain JSON.
 */

/** One entry of an Accept header. */
export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Parses `a/b;k=v, c/d` into its entries, in order (q-values are not weighed: clients list in preference order). */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type = '', ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  }).filter((m) => m.type !== '');
}

function isJson(m: MediaRange): boolean {
  return m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
}

/** What to answer a resource request with. */
export type ResourceRepresentation = 'json' | 'table' | 'none';

/**
 * The representation for a resource read: a Table when asked for first (and `tablesAvailable`),
 * else JSON when acceptable; `none` when only unsupported types (protobuf, CBOR) are accepted.
 */
export function negotiateResource(accept: string | undefined, tablesAvailable: boolean): ResourceRepresentation {
  for (const m of parseAccept(accept)) {
    if (m.params['as'] === 'Table') {
      if (tablesAvailable && m.params['g'] === 'meta.k8s.io' && (m.params['v'] === 'v1' || m.params['v'] === 'v1beta1')) return 'table';
      continue;
    }
    if (m.params['as'] !== undefined) continue;
    if (isJson(m)) return 'json';
  }
  return 'none';
}

/** The discovery document version to answer /api and /apis with. */
export type DiscoveryRepresentation = 'aggregated-v2' | 'aggregated-v2beta1' | 'legacy' | 'none';

/** Aggregated discovery when the client lists it before plain JSON (and the server offers it). */
export function negotiateDiscovery(accept: string | undefined, aggregatedAvailable = true): DiscoveryRepresentation {
  for (const m of parseAccept(accept)) {
    if (m.params['as'] === 'APIGroupDiscoveryList' && m.params['g'] === 'apidiscovery.k8s.io') {
      if (!aggregatedAvailable) continue;
      if (m.params['v'] === 'v2') return 'aggregated-v2';
      if (m.params['v'] === 'v2beta1') return 'aggregated-v2beta1';
      continue;
    }
    if (m.params['as'] !== undefined) continue;
    if (isJson(m)) return 'legacy';
  }
  return 'none';
}
