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
		const {code, message} = error as NodeJS.ErrnoException;
		const why = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : message;
		throw new InputError(file, `cannot write: ${why}`);
	}
}

/** The text of `file` (UTF-8). */
export function readTextFile(file: string): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch (error) {
		const {code, message} = error as NodeJS.ErrnoException;
		const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : message;
		throw new InputError(file, `cannot read: ${why}`);
	}
}
