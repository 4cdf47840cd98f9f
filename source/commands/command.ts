/**
 * What every command module provides, and the flags all of them share.
 */
import type {AnyFlags} from 'meow';
import {writeTextFile} from '../util/files.ts';

/** Flags every command accepts (SPEC section 1). */
export const commonFlags = {
	db: {type: 'string'},
	tz: {type: 'string'},
	debug: {type: 'boolean', default: false},
	color: {type: 'boolean', default: true},
	readOnly: {type: 'boolean', default: false},
} as const satisfies AnyFlags;

export interface CommandContext {
	/** Non-flag arguments after the command name. */
	input: string[];
	/** Parsed flags, camelCase. */
	flags: Record<string, unknown>;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
}

export interface Command {
	name: string;
	/** One line for the command list. */
	summary: string;
	/** Usage, options and examples (shown by `lateral COMMAND --help`). */
	help: string;
	flags: AnyFlags;
	/** Returns the exit code. */
	run(ctx: CommandContext): Promise<number>;
}

/** The string value of a flag, or undefined. */
export function stringFlag(flags: Record<string, unknown>, name: string): string | undefined {
	const v = flags[name];
	return typeof v === 'string' && v !== '' ? v : undefined;
}

/** What a command that reads logons says (on stderr) when the store holds none. */
export const NOTHING_LOADED = 'No logons loaded yet. Load some with: lateral load PATH (try datasets/sample)';

/** Writes text plus a newline unless it is empty. */
export function println(stream: NodeJS.WriteStream, text: string): void {
	if (text !== '') stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a command's text to `--out FILE` (saying so on stdout) or, without it, to stdout. */
export function writeOutput(stdout: NodeJS.WriteStream, out: string | undefined, text: string): number {
	if (out === undefined) {
		stdout.write(text);
		return 0;
	}

	writeTextFile(out, text);
	println(stdout, `wrote ${out}`);
	return 0;
}
