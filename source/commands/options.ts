/**
 * Turning common flags into checked values: each throws a UsageError naming the flag.
 */
import fs from 'node:fs';
import {RuntimeError, UsageError} from '../util/errors.ts';
import {checkTimeZone} from '../util/time.ts';
import {stringFlag} from './command.ts';
import {openDb, resolveDbPath, type Db} from '../db/open.ts';

export function tzOf(flags: Record<string, unknown>): string {
	return checkTimeZone(stringFlag(flags, 'tz') ?? 'UTC');
}

/** `--format` checked against the allowed values. */
export function formatOf<T extends string>(flags: Record<string, unknown>, allowed: readonly T[], fallback: T): T {
	const value = stringFlag(flags, 'format') ?? fallback;
	if (!allowed.includes(value as T)) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${value}")`);
	return value as T;
}

/** A whole-number flag of at least `min` (1 unless given), or undefined. */
export function positiveInt(flags: Record<string, unknown>, name: string, min = 1): number | undefined {
	const v = flags[name];
	if (v === undefined || v === null) return undefined;
	const n = Number(v);
	if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)} must be a whole number of at least ${min} (got "${String(v)}")`);
	return n;
}

/** Terminal width for tables: the TTY's columns, else unlimited. */
export function outputWidth(stream: NodeJS.WriteStream): number {
	return stream.isTTY ? stream.columns || 80 : Infinity;
}

/**
 * The database named by --db (else $LATERAL_DB, else the default), read-only with --read-only.
 *
 * `existing` is for commands that only use what was loaded, where a mistyped --db would otherwise
 * make a new, empty store and report nothing found instead of the mistake. A store named by --db
 * or $LATERAL_DB that does not exist is then not created: `'empty'` warns on stderr and reads an
 * empty store in memory (the command answers as on an empty store), `'required'` fails. The
 * default store may be missing: a fresh clone has none until the first load. With `'empty'` it
 * is then read as an empty store in memory, without a warning and without creating the file.
 */
export function openFromFlags(flags: Record<string, unknown>, options: {existing?: 'empty' | 'required'; stderr?: NodeJS.WritableStream} = {}): Db {
	const named = stringFlag(flags, 'db') ?? (process.env['LATERAL_DB'] || undefined);
	const file = resolveDbPath(named);
	// The default store missing (a fresh clone before its first load) reads as empty, without
	// creating the file: only a load, or a command that writes, makes it.
	if (options.existing === 'empty' && named === undefined && !fs.existsSync(file)) return openDb(':memory:');
	if (options.existing !== undefined && named !== undefined && !fs.existsSync(file)) {
		const missing = `no database at ${file} (check ${stringFlag(flags, 'db') === undefined ? '$LATERAL_DB' : '--db'}; lateral load PATH creates one)`;
		if (options.existing === 'required') throw new RuntimeError(missing);
		options.stderr?.write(`lateral: ${missing}\n`);
		return openDb(':memory:');
	}

	return openDb(file, {readOnly: flags['readOnly'] === true});
}
