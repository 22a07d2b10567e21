/** Who calls whom: the edges an anomaly travels along, from a callee up to its callers. */
import { readFile } from 'node:fs/promises';
import { numberCell, parseCsv } from './csv.js';
import { InputError } from '../sources/input-error.js';

/** Caller to the components it calls. */
export type CallGraph = ReadonlyMap<string, readonly string[]>;

/** The components that `component` calls. */
export function calleesOf(graph: CallGraph, component: string): readonly string[] {
  return graph.get(component) ?? [];
}

/** The components that call `component`. */
export function callersOf(graph: CallGraph, component: string): string[] {
  const callers: string[] = [];
  for (const [caller, callees] of graph) if (callees.includes(component)) callers.push(caller);
  return callers;
}

/** Builds a graph from caller/callee pairs, ignoring self-calls and duplicates. */
export function graphFromEdges(edges: Iterable<readonly [string, string]>): CallGraph {
  const graph = new Map<string, string[]>();
  for (const [caller, callee] of edges) {
    if (caller === callee) continue;
    const callees = graph.get(caller) ?? [];
    if (!callees.includes(callee)) callees.push(callee);
    graph.set(caller, callees);
  }
  return graph;
}

/**
 * Parses PetShop's `graph.csv`: an adjacency matrix whose first row and first column name the
 * components, and whose cell (row, column) is non-zero when the row's component calls the column's.
 */
export function parseAdjacencyMatrix(text: string, origin: string): CallGraph {
  const [header, ...rows] = parseCsv(text, origin);
  if (!header) throw new InputError(origin, 'the file is empty: expected an adjacency matrix with a header row of component names');
  const columns = header.cells.slice(1);
  const edges: [string, string][] = [];
  for (const row of rows) {
    if (row.cells.length !== header.cells.length) {
      throw new InputError(origin, `line ${row.line}: ${row.cells.length} cells, the header has ${header.cells.length}`);
    }
    const caller = row.cells[0]!;
    row.cells.slice(1).forEach((cell, i) => {
      const weight = numberCell(cell, origin, row.line, columns[i]!);
      if (weight !== null && weight !== 0) edges.push([caller, columns[i]!]);
    });
  }
  return graphFromEdges(edges);
}

/** Reads a `graph.csv` adjacency matrix from disk. */
export async function readAdjacencyMatrix(path: string): Promise<CallGraph> {
  return parseAdjacencyMatrix(await readFile(path, 'utf8'), path);
}
