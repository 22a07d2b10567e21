/** Terminal colour, only when the stream is a terminal and NO_COLOR is unset (https://no-color.org). */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
}

const wrap = (open: number, close: number) => (s: string): string => `\u001b[${open}m${s}\u001b[${close}m`;

const COLOUR: Style = {
  bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), green: wrap(32, 39),
};

const PLAIN: Style = { bold: String, dim: String, red: String, yellow: String, cyan: String, green: String };

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && !env['NO_COLOR'] && env['TERM'] !== 'dumb' ? COLOUR : PLAIN;
}
