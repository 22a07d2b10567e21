/**
 * Reads a policy file: YAML checked against the schema, every error naming the file and the line of
 * the offending field, so a person can fix it without guessing.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { InputError } from '../sources/input-error.js';
import { policySchema, type Policy } from './policy-schema.js';

/** @throws InputError `FILE:LINE: field: problem` */
export async function loadPolicy(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read the policy: ${(err as Error).message}`, { cause: err });
  }
  return parsePolicy(text, file);
}

/** Validates a policy's text; `file` names it in errors. */
export function parsePolicy(text: string, file: string): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line ?? lines.linePos(yamlError.pos[0]).line;
    throw new InputError(`${file}:${line}`, `not valid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const result = policySchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const field = path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '') : '(top level)';
    return { line: lineOf(doc, lines, path), text: `${field}: ${issue.message}` };
  });
  const first = problems[0]!;
  const rest = problems.slice(1).map((p) => `\n${file}:${p.line}: ${p.text}`).join('');
  throw new InputError(`${file}:${first.line}`, `${first.text}${rest}`);
}

/** The line of the field at `path`, or of its nearest parent that exists (a missing field is reported at its mapping). */
function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth);
    const node = sub.length === 0 ? doc.contents : doc.getIn(sub, true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    // A key whose value is empty has no value node: look the pair's key up in its parent instead.
    if (depth > 0) {
      const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
      const key = (parent as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | undefined)?.items?.find((i) => i.key?.value === path[depth - 1])?.key;
      if (key?.range) return lines.linePos(key.range[0]).line;
    }
  }
  return 1;
}
