/**
 * Turning common flags into checked values: each throws a UsageError naming the flag.
 */
import {UsageError} from '../util/errors.ts';
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

/** A positive integer flag, or undefined. */
export function positiveInt(flags: Record<string, unknown>, name: string): number | undefined {
	const v = flags[name];
	if (v === undefined || v === null) return undefined;
	const n = Number(v);
	if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)} must be a whole number (got "${String(v)}")`);
	return n;
}

/** Terminal width for tables: the TTY's columns, else unlimited. */
export function outputWidth(stream: NodeJS.WriteStream): number {
	return stream.isTTY ? stream.columns || 80 : Infinity;
}

/** The database named by --db (else $LATERAL_DB, else the default), read-only with --read-only. */
export function openFromFlags(flags: Record<string, unknown>): Db {
	return openDb(resolveDbPath(stringFlag(flags, 'db')), {readOnly: flags['readOnly'] === true});
}
