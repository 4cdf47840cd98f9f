/** Errors the CLI reports as one line, with a chosen exit code, never as a stack trace. */

/** The command line was wrong: exit code 2. */
export class UsageError extends Error {
	override name = 'UsageError';
}

/** An input file could not be used: exit code 1, message names the file (and line). */
export class InputError extends Error {
	override name = 'InputError';
	constructor(readonly file: string, readonly reason: string, readonly line?: number) {
		super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`);
	}
}

/** Any other expected runtime failure (locked database, full disk...): exit code 1. */
export class RuntimeError extends Error {
	override name = 'RuntimeError';
}

/** What each SQLite error class means for a hunter, by the code's primary part. */
const SQLITE_HINTS: Array<[RegExp, string]> = [
	[/^SQLITE_(BUSY|LOCKED)/, 'the database is locked by another process (a load?); try again when it finishes'],
	[/^SQLITE_FULL$|^SQLITE_IOERR.*(WRITE|FSYNC|TRUNCATE|SHMSIZE)/, 'the disk is full or cannot be written; nothing from the current file was kept'],
	[/^SQLITE_READONLY/, 'the database cannot be written (read-only file, folder or --read-only); hunting, browsing and exports work; loading and changes to the allowlist or shortlist do not'],
	[/^SQLITE_(CORRUPT|NOTADB)/, 'the file is not a lateral database or is damaged'],
	[/^SQLITE_CANTOPEN/, 'the database file cannot be opened (missing folder or no permission)'],
	[/^SQLITE_PERM|^SQLITE_AUTH/, 'no permission to use the database file'],
];

/** A SQLite error as better-sqlite3 throws it (SqliteError has a string `code` like SQLITE_FULL). */
function sqliteCode(error: unknown): string | undefined {
	const code = (error as {code?: unknown} | null)?.code;
	return error instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * The one line (without the `lateral: ` prefix) and exit code the CLI reports for an error:
 * 2 for usage errors, 1 for everything else; a database error names `database`, the store in use. The stack is for --debug only and never part of
 * the line.
 */
export function describeError(error: unknown, debug = false, database?: string): {code: number; message: string} {
	if (error instanceof UsageError) return {code: 2, message: firstLine(error.message)};
	if (error instanceof InputError || error instanceof RuntimeError) return {code: 1, message: firstLine(error.message)};
	const sqlite = sqliteCode(error);
	if (sqlite) {
		const hint = SQLITE_HINTS.find(([pattern]) => pattern.test(sqlite))?.[1] ?? firstLine((error as Error).message);
		return {code: 1, message: `database error: ${database === undefined ? '' : `${database}: `}${hint} (${sqlite})`};
	}

	const errno = (error as {code?: unknown} | null)?.code;
	if (errno === 'ENOSPC') return {code: 1, message: 'the disk is full; nothing from the current file was kept (ENOSPC)'};
	const text = error instanceof Error ? error.message : String(error);
	return {code: 1, message: `unexpected error: ${firstLine(text)}${debug ? '' : ' (run with --debug for details)'}`};
}

function firstLine(text: string): string {
	return text.split('\n', 1)[0]!.trim();
}
