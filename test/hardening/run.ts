/**
 * Running the real command line for the hardening tests: `node bin/lateral.js ...` from the
 * repository, synchronously or as a child to kill, plus a scratch folder per test file.
 */
import {after} from 'node:test';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Writable} from 'node:stream';
import {fileURLToPath} from 'node:url';
import type {Command} from '../../source/commands/command.ts';
import {describeError} from '../../source/util/errors.ts';
import {resolveDbPath} from '../../source/db/open.ts';
import {neutralize} from '../../source/util/sanitize.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = path.join(root, 'bin/lateral.js');
export const bad = (name: string) => path.join(root, 'test/fixtures/bad', name);

export interface Run {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	env?: Record<string, string>;
	/** Run as another user (root only): `setpriv --reuid=UID --regid=UID`. */
	uid?: number;
}

function command(args: string[], options: RunOptions): {file: string; argv: string[]} {
	const argv = [bin, ...args];
	if (options.uid === undefined) return {file: process.execPath, argv};
	return {file: 'setpriv', argv: [`--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', process.execPath, ...argv]};
}

const envOf = (options: RunOptions) => ({...process.env, NO_COLOR: '1', LATERAL_DB: path.join(os.tmpdir(), 'lateral-hardening-unused.sqlite'), ...options.env});

/** Runs `lateral ARGS` to completion. */
export function lateral(args: string[], options: RunOptions = {}): Run {
	const {file, argv} = command(args, options);
	const r = spawnSync(file, argv, {cwd: root, encoding: 'utf8', env: envOf(options), maxBuffer: 64 * 1024 * 1024});
	return {code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr};
}

/** Starts `lateral ARGS` in the background; `done` resolves when it exits. */
export function start(args: string[], options: RunOptions = {}): {child: ChildProcess; done: Promise<Run>} {
	const {file, argv} = command(args, options);
	const child = spawn(file, argv, {cwd: root, env: envOf(options)});
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (d: string) => {
		stdout += d;
	});
	child.stderr!.setEncoding('utf8').on('data', (d: string) => {
		stderr += d;
	});
	const done = new Promise<Run>(resolve => {
		child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
	});
	return {child, done};
}

/** A scratch folder removed when the test file ends. */
export function scratch(name: string): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lateral-${name}-`));
	after(() => {
		fs.chmodSync(dir, 0o755);
		fs.rmSync(dir, {recursive: true, force: true});
	});
	return dir;
}

/** True when `text` is exactly one line and carries no stack frame. */
export function oneLine(text: string): boolean {
	return text.trim() !== '' && text.trim().split('\n').length === 1 && !/^\s+at /m.test(text);
}

/** `lateral datasets --format json` of a database. */
export function datasetsOf(db: string, options: RunOptions = {}): Array<{id: number; path: string; format: string; records: number; rejected: number; skipped: number}> {
	const r = lateral(['datasets', '--format', 'json', '--db', db], options);
	if (r.code !== 0) throw new Error(`lateral datasets failed: ${r.stderr}`);
	return JSON.parse(r.stdout) as ReturnType<typeof datasetsOf>;
}

/** A Windows JSON (flat) 4624/4625 record, one line, for generated files. */
export function windowsRecord(i: number, fields: Record<string, unknown> = {}): string {
	return JSON.stringify({
		EventID: i % 7 === 0 ? 4625 : 4624,
		TimeCreated: new Date(Date.UTC(2026, 10, 5) + i * 1000).toISOString(),
		Computer: `SRV-${i % 23}`,
		TargetUserName: `user${i % 97}`,
		TargetDomainName: 'CORP',
		LogonType: 3,
		IpAddress: `10.0.${i % 5}.${i % 211}`,
		...fields,
	});
}

/** Writes `count` Windows JSON records as NDJSON, in blocks (fast enough for a few 100k). */
export function writeWindowsNdjson(file: string, count: number): void {
	const fd = fs.openSync(file, 'w');
	try {
		for (let from = 0; from < count; from += 10_000) {
			const block: string[] = [];
			for (let i = from; i < Math.min(count, from + 10_000); i++) block.push(windowsRecord(i));
			fs.writeSync(fd, `${block.join('\n')}\n`);
		}
	} finally {
		fs.closeSync(fd);
	}
}

/**
 * Runs a command module in this process, as the CLI would (same flags object shape, same one-line
 * error report), without paying for a Node start: for tests that make many small runs.
 */
export async function inProcess(command: Command, input: string[], flags: Record<string, unknown>): Promise<Run> {
	const out = collector();
	const err = collector();
	let code: number;
	try {
		code = await command.run({input, flags: {readOnly: false, debug: false, color: false, ...flags}, stdout: out.stream, stderr: err.stream});
	} catch (error) {
		const described = describeError(error, false, resolveDbPath(typeof flags['db'] === 'string' ? flags['db'] : undefined));
		err.stream.write(`lateral: ${neutralize(described.message)}\n`);
		code = described.code;
	}

	return {code, signal: null, stdout: out.text(), stderr: err.text()};
}

function collector(): {stream: NodeJS.WriteStream; text: () => string} {
	const chunks: string[] = [];
	const stream = new Writable({
		write(chunk: Buffer | string, _encoding, callback) {
			chunks.push(String(chunk));
			callback();
		},
	});
	return {stream: Object.assign(stream, {isTTY: false, columns: 80}) as unknown as NodeJS.WriteStream, text: () => chunks.join('')};
}
