/**
 * Reading and writing a file the hunter named (an allowlist to import, an export, a rule file): a
 * failure is an InputError naming the file in one line (no such file, no permission), never an
 * unexpected error.
 */
import fs from 'node:fs';
import {InputError} from './errors.ts';

/** Writes `text` to `file`, replacing it. */
export function writeTextFile(file: string, text: string): void {
	try {
		fs.writeFileSync(file, text);
	} catch (error) {
		throw fileError(file, 'write', 'no such folder', error);
	}
}

/** The text of `file` (UTF-8). */
export function readTextFile(file: string): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch (error) {
		throw fileError(file, 'read', 'no such file', error);
	}
}

/** A failed read or write of `file` as one line: `cannot write: no such folder`, `cannot read: permission denied`. */
function fileError(file: string, verb: 'read' | 'write', missing: string, error: unknown): InputError {
	const {code, message} = error as NodeJS.ErrnoException;
	const why = code === 'ENOENT' ? missing : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : message;
	return new InputError(file, `cannot ${verb}: ${why}`);
}
