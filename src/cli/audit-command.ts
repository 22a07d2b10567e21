/** `kubetriage audit verify`: walks the audit log's hash chain. Exit 0 intact, 1 broken (the first bad row is named). */
import { Option, type Command } from 'commander';
import { AuditLog } from '../store/audit-log.js';
import { defaultDatabasePath, openDatabase } from '../store/database.js';
import type { Io } from './diagnose-command.js';

export interface AuditFlags {
  db?: string;
  output: 'text' | 'json';
}

/** Adds `audit verify` to the program; `setExitCode` receives 0 or 1. */
export function registerAuditCommand(program: Command, io: Io, setExitCode: (code: number) => void = (code) => { process.exitCode = code; }): void {
  const audit = program.command('audit').description('The audit log of every change kubetriage planned, decided, applied, verified or rolled back.');
  audit.command('verify')
    .description('Check the audit log\'s hash chain: any edited, deleted or reordered row is detected, and the first one named.')
    .option('--db <file>', 'the kubetriage database (default: KUBETRIAGE_DB, else ~/.kubetriage/kubetriage.db)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: AuditFlags) => {
      setExitCode(runAuditVerify(flags, io));
    });
}

export function runAuditVerify(flags: AuditFlags, io: Pick<Io, 'stdout'>, env: NodeJS.ProcessEnv = process.env): number {
  const db = openDatabase(flags.db ?? defaultDatabasePath(env));
  try {
    const result = new AuditLog(db).verify();
    if (flags.output === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout.write(result.ok ? `audit log intact: ${result.rows} row(s), hash chain verified\n` : `audit log broken at row ${result.firstBad.seq}: ${result.firstBad.problem}\n`);
    return result.ok ? 0 : 1;
  } finally {
    db.close();
  }
}
