/** `kubetriage audit verify`: walks the audit log's hash chain. Exit 0 intact, 1 broken (the first bad row is named). */
import { Option, type Command } from 'commander';
import { AuditLog, type AuditAnchor } from '../store/audit-log.js';
import { InputError } from '../sources/input-error.js';
import { defaultDatabasePath, openDatabase } from '../store/database.js';
import type { Io } from './diagnose-command.js';

export interface AuditFlags {
  db?: string;
  output: 'text' | 'json';
  /** `SEQ:HASH`, as an earlier `audit verify` printed the head. */
  anchor?: string;
}

/** Adds `audit verify` to the program; `setExitCode` receives 0 or 1. */
export function registerAuditCommand(program: Command, io: Io, setExitCode: (code: number) => void = (code) => { process.exitCode = code; }): void {
  const audit = program.command('audit').description('The audit log of every change kubetriage planned, decided, applied, verified or rolled back.');
  audit.command('verify')
    .description('Check the audit log\'s hash chain: any edited, deleted or reordered row is detected, and the first one named.')
    .option('--db <file>', 'the kubetriage database (default: KUBETRIAGE_DB, else ~/.kubetriage/kubetriage.db)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--anchor <seq:hash>', 'a head printed by an earlier verify, kept elsewhere: detects rows deleted from the end, or a chain rewritten whole')
    .action((flags: AuditFlags) => {
      setExitCode(runAuditVerify(flags, io));
    });
}

export function runAuditVerify(flags: AuditFlags, io: Pick<Io, 'stdout'>, env: NodeJS.ProcessEnv = process.env): number {
  const db = openDatabase(flags.db ?? defaultDatabasePath(env));
  try {
    const result = new AuditLog(db).verify(flags.anchor !== undefined ? parseAnchor(flags.anchor) : undefined);
    if (flags.output === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (!result.ok) io.stdout.write(`audit log broken at row ${result.firstBad.seq}: ${result.firstBad.problem}\n`);
    else {
      io.stdout.write(`audit log intact: ${result.rows} row(s), hash chain verified${flags.anchor ? ` through the anchor ${flags.anchor.split(':')[0]}` : ''}\n`);
      if (result.head) io.stdout.write(`head: ${result.head.seq}:${result.head.hash} (keep it elsewhere; verify --anchor with it detects rows deleted from the end)\n`);
    }
    return result.ok ? 0 : 1;
  } finally {
    db.close();
  }
}

function parseAnchor(value: string): AuditAnchor {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value);
  if (!match) throw new InputError('--anchor', `"${value}" is not SEQ:HASH as audit verify prints its head (e.g. 42:3f9c…, 64 hex digits)`);
  return { seq: Number(match[1]), hash: match[2]! };
}
