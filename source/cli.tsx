/**
 * The command line: pick the command, parse its flags with meow, run it, and turn every expected
 * failure into one line on stderr with the right exit code (0 ok, 1 runtime error, 2 usage error).
 */
import fs from 'node:fs';
import path from 'node:path';
import meow from 'meow';
import {repoRoot, resolveDbPath} from './db/open.ts';
import {describeError, UsageError} from './util/errors.ts';
import {neutralize} from './util/sanitize.ts';
import {commonFlags, type Command} from './commands/command.ts';
import {allow} from './commands/allow.ts';
import {datasets} from './commands/datasets.ts';
import {events} from './commands/events.ts';
import {exportCommand} from './commands/export.ts';
import {rules} from './commands/rules.ts';
import {mark, unmark} from './commands/mark.ts';
import {generate} from './commands/generate.ts';
import {hunt} from './commands/hunt.ts';
import {load} from './commands/load.ts';
import {tui} from './commands/tui.ts';

const commands: Command[] = [tui, load, hunt, events, datasets, allow, mark, unmark, exportCommand, rules, generate];

const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string}).version;

const mainHelp = `
lateral ${version}: hunt credential-driven lateral movement (MITRE ATT&CK T1021) in logon data

Usage
  $ lateral [COMMAND] [options]

Commands
${commands.map(c => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Common options
  --db FILE     database (default $LATERAL_DB, else db/lateral.sqlite in the repository)
  --tz ZONE     IANA time zone for after-hours and displayed times (default UTC)
  --read-only   never write to the database (implied when the file is not writable)
  --debug       show stack traces
  --no-color    no colours
  --help        help (lateral COMMAND --help for a command)
  --version     version

Examples
  $ lateral load datasets/sample
  $ lateral hunt --profile qradar --window 7d
  $ lateral
`;

/** The command name and its arguments: the first argument if it names a command, else tui. */
function split(argv: string[]): {command: Command | undefined; rest: string[]} {
	const first = argv[0];
	if (first !== undefined && !first.startsWith('-')) {
		return {command: commands.find(c => c.name === first), rest: argv.slice(1)};
	}

	return {command: tui, rest: argv};
}

async function main(argv: string[]): Promise<number> {
	if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
		process.stdout.write(`${version}\n`);
		return 0;
	}

	if (argv[0] === 'help' || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
		const named = commands.find(c => c.name === argv[1]);
		process.stdout.write(named ? `${named.help.trim()}\n` : `${mainHelp.trim()}\n`);
		return 0;
	}

	const {command, rest} = split(argv);
	if (!command) throw new UsageError(`unknown command "${argv[0]}" (commands: ${commands.map(c => c.name).join(', ')}; see lateral --help)`);
	if (rest.includes('--help') || rest.includes('-h')) {
		process.stdout.write(`${command.help.trim()}\n`);
		return 0;
	}

	const flags = {...commonFlags, ...command.flags};
	const args = checkFlags(command.name, rest, flags);
	const cli = meow({
		importMeta: import.meta,
		argv: args,
		flags,
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: true,
		description: false,
		help: command.help,
	});
	return command.run({input: cli.input, flags: cli.flags, stdout: process.stdout, stderr: process.stderr});
}

/**
 * Unknown flags are a usage error of one line (meow's own message spans lines and exits by
 * itself), and so are a flag given twice, a flag that takes a value given none (`--db` last: meow reads the default
 * store then) and a number flag given text (`--limit abc`: meow makes it NaN). Everything after
 * `--` is input. Returns the arguments for meow, with `--src -` made `--src=-`: meow takes a
 * lone `-` for input, leaving the flag empty, where a dash is a value logs hold.
 */
function checkFlags(command: string, argv: string[], flags: Record<string, {type: string; shortFlag?: string}>): string[] {
	const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
	const shorts = new Set(Object.values(flags).map(f => f.shortFlag).filter(Boolean));
	const given = new Set<string>();
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		out.push(arg);
		if (arg === '--') {
			out.push(...argv.slice(i + 1));
			break;
		}

		if (/^-[^-]/.test(arg)) {
			if (!shorts.has(arg.slice(1, 2))) throw new UsageError(`${command}: unknown flag ${arg} (see lateral ${command} --help)`);
			continue;
		}

		if (!arg.startsWith('--')) continue;
		const [name = '', inline] = splitFlag(arg.slice(2));
		const flag = flags[camel(name)];
		const negated = name.startsWith('no-') ? flags[camel(name.slice(3))] : undefined;
		if (!flag && negated?.type !== 'boolean') throw new UsageError(`${command}: unknown flag --${name} (see lateral ${command} --help)`);
		// Which of two would count is anyone's guess (`--profile qradar --profile logscale`).
		const key = flag ? camel(name) : camel(name.slice(3));
		if (given.has(key)) throw new UsageError(`${command}: --${flag ? name : name.slice(3)} is given twice (see lateral ${command} --help)`);
		given.add(key);
		if (flag?.type !== 'string' && flag?.type !== 'number') continue;
		let value = inline;
		if (value === undefined) {
			const next = argv[i + 1];
			if (next === undefined || next === '--' || (next.startsWith('--') && next.length > 2)) throw new UsageError(`${command}: --${name} needs a value (see lateral ${command} --help)`);
			value = next;
			i++;
			if (flag.type === 'string' && next === '-') out[out.length - 1] = `--${name}=-`;
			else out.push(next);
		}

		// An empty time, zone, file or choice would read as the flag left out (`--since ""`).
		if (value.trim() === '' && flag.type === 'string' && !MAY_BE_EMPTY.has(camel(name))) throw new UsageError(`${command}: --${name} needs a value (see lateral ${command} --help)`);
		// No count or duration is negative; without this, `-5h` would be reported as an unknown flag.
		if ((flag.type === 'number' || name === 'window') && inline === undefined && /^-\d/.test(value)) throw new UsageError(`${command}: --${name} cannot be negative (got ${value})`);
		if (flag.type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) throw new UsageError(`${command}: --${name} must be a number (got "${neutralize(value)}")`);
	}

	return out;
}

/**
 * Flags whose value may be empty: names as logs spell them (a source or user may be ''), a note
 * (empty clears it), and the allowlist's reason, which allow add checks itself.
 */
const MAY_BE_EMPTY = new Set(['src', 'user', 'target', 'srcIp', 'pattern', 'note', 'reason']);

/** `name=value` as [name, value], `name` as [name, undefined]. */
function splitFlag(text: string): [string, string | undefined] {
	const at = text.indexOf('=');
	return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** The store the command line names (--db FILE or --db=FILE, else as openFromFlags finds it), for error lines. */
function databaseOf(argv: string[]): string {
	const at = argv.findIndex(a => a === '--db' || a.startsWith('--db='));
	const arg = argv[at];
	return resolveDbPath(arg === undefined ? undefined : arg.startsWith('--db=') ? arg.slice(5) : argv[at + 1]);
}

/** One line for an error; the stack only with --debug. */
function report(error: unknown, debug: boolean, database: string): number {
	if (debug && error instanceof Error) process.stderr.write(`${error.stack ?? String(error)}\n`);
	const {code, message} = describeError(error, debug, database);
	process.stderr.write(`lateral: ${neutralize(message)}\n`);
	return code;
}

// A reader that stops early (`lateral events | head`) closes the pipe. What it did not read is not
// wanted, and that is no error: the command ends as it would have, with its own exit code (a load
// whose summary line finds no reader still commits the files after it).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code !== 'EPIPE') throw error;
});

const argv = process.argv.slice(2);
const debug = argv.includes('--debug');
let code: number;
try {
	code = await main(argv);
} catch (error) {
	code = report(error, debug, databaseOf(argv));
}

process.exitCode = code;
