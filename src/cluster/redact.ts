/**
 * Redaction of secrets in text that reaches any output: log lines, event messages, describe text.
 * What it cannot recognise it cannot hide, so Secret values are never quoted in the first place;
 * this catches credentials that applications print themselves.
 */
const RULES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[REDACTED PRIVATE KEY]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, '[REDACTED JWT]'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '[REDACTED AWS KEY]'],
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9_-]{20,})/g, '[REDACTED TOKEN]'],
  [/(\/\/[^\s:/@]+):[^\s@/]+@/g, '$1:[REDACTED]@'],
  [/\b((?:[A-Za-z0-9]+[_-])*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth))(["']?\s*[:=]\s*["']?)(?!\[REDACTED)[^\s"',;&}]+/gi, '$1$2[REDACTED]'],
];

/**
 * @example redact('connecting with password=hunter2') // 'connecting with password=[REDACTED]'
 */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

/** Longest quote kept in evidence: enough to read, bounded against floods and injected text. */
export const MAX_QUOTE = 400;

/** Redacts, folds control characters, and bounds the length of untrusted text. */
export function quoteUntrusted(text: string, max = MAX_QUOTE): string {
  // eslint-disable-next-line no-control-regex
  const clean = redact(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trimEnd();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
