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
