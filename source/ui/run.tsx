/**
 * Starting and stopping the console: switch to the terminal's alternate screen, render <App/>,
 * and give the hunter's terminal back exactly as it was on q, Ctrl-C, a signal or a crash.
 */
import React from 'react';
import {render} from 'ink';
import type {Db} from '../db/open.ts';
import {neutralize} from '../util/sanitize.ts';
import {App} from './app.tsx';

export interface ConsoleOptions {
	dbPath: string;
	db: Db;
	profile: string;
	/** IANA zone for after-hours and displayed times. */
	tz: string;
	/** End of the hunt window, epoch ms (default: the newest logon). */
	now: number | undefined;
	/** Window length in ms; null = all loaded time; undefined = the profile's default. */
	window: number | null | undefined;
	noColor: boolean;
	/** Loads the bundled sample; resolves to a one-line summary. */
	loadSample: () => Promise<string>;
}

// The alternate screen buffer (xterm, and every terminal people SSH from) keeps the shell's
// scrollback untouched; leaving it brings the previous screen back.
const ENTER_ALT = '\u001B[?1049h\u001B[H\u001B[2J';
const LEAVE_ALT = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

/** Runs the console until the hunter quits. Resolves after the terminal is restored. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
	const {stdout, stderr, stdin} = process;
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		if (stdin.isTTY) {
			try {
				stdin.setRawMode(false);
			} catch {
				// stdin already closed: nothing to reset.
			}
		}

		stdout.write(SHOW_CURSOR + LEAVE_ALT);
	};

	stdout.write(ENTER_ALT);
	const instance = render(
		<App
			db={options.db}
			dbPath={options.dbPath}
			profile={options.profile}
			tz={options.tz}
			now={options.now}
			window={options.window}
			noColor={options.noColor}
			loadSample={options.loadSample}
		/>,
		{exitOnCtrlC: false, patchConsole: true, stdout, stdin, stderr},
	);

	const stop = (code: number, message?: string) => {
		try {
			instance.unmount();
		} catch {
			// Already unmounted.
		}

		restore();
		if (message) stderr.write(`lateral: ${neutralize(message)}\n`);
		process.exit(code);
	};

	const onCrash = (error: unknown) => {
		const text = error instanceof Error ? error.message : String(error);
		if (process.argv.includes('--debug') && error instanceof Error) stderr.write(`${error.stack ?? text}\n`);
		stop(1, `unexpected error: ${text}${process.argv.includes('--debug') ? '' : ' (run with --debug for details)'}`);
	};

	// Ctrl-C arrives as a key in raw mode (the keymap quits); these cover kill, a dropped SSH
	// session, and Ctrl-C when stdin is not in raw mode.
	const onSignal = (signal: NodeJS.Signals) => stop(signal === 'SIGINT' ? 130 : 143);
	process.on('uncaughtException', onCrash);
	process.on('unhandledRejection', onCrash);
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	process.on('exit', restore);
	try {
		await instance.waitUntilExit();
	} finally {
		restore();
		process.off('uncaughtException', onCrash);
		process.off('unhandledRejection', onCrash);
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		process.off('exit', restore);
	}
}
