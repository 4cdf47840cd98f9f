/**
 * Rendering the console for tests: the App on an in-memory database at a fixed size, keys sent
 * as a terminal would send them, and waiting for a frame instead of sleeping.
 */
import React from 'react';
import {render} from 'ink-testing-library';
import {App, type AppProps} from '../../source/ui/app.tsx';

const KEYS: Record<string, string> = {
	'shift-tab': '\x1b[Z', enter: '\r', backspace: '\x7f', escape: '\x1b', tab: '\t', up: '\x1b[A', down: '\x1b[B', pagedown: '\x1b[6~', pageup: '\x1b[5~', 'ctrl-c': '\x03',
};

export type Console = ReturnType<typeof render> & {
	/** The last frame, as the screen shows it. */
	frame(): string;
	/** Sends keys (named ones from KEYS, else literal text) and waits until the frame changes or settles. */
	press(...keys: string[]): Promise<string>;
	/** Waits until the frame passes `check`. */
	until(check: (frame: string) => boolean, what?: string): Promise<string>;
};

const tick = () => new Promise(resolve => setTimeout(resolve, 5));

export async function openConsole(props: Partial<AppProps> & Pick<AppProps, 'db'>): Promise<Console> {
	const r = render(<App dbPath="/cases/test.sqlite" profile="qradar" tz="UTC" noColor width={80} height={24} {...props} />);
	const frame = () => r.lastFrame() ?? '';
	const until = async (check: (f: string) => boolean, what = 'a frame') => {
		for (let i = 0; i < 400; i++) {
			if (check(frame())) return frame();
			await tick();
		}

		throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
	};

	// Settled: the same frame on several consecutive ticks (ink renders asynchronously).
	const settle = async () => {
		let last = frame();
		let same = 0;
		for (let i = 0; i < 400 && same < 4; i++) {
			await tick();
			const now = frame();
			same = now === last ? same + 1 : 0;
			last = now;
		}

		return last;
	};

	const press = async (...keys: string[]) => {
		for (const k of keys) {
			r.stdin.write(KEYS[k] ?? k);
			await settle();
			if (frame().includes('hunting')) await until(f => !f.includes('hunting'), 'the hunt');
		}

		return frame();
	};

	await until(f => f.includes('lateral') && !f.includes('hunting'), 'the first frame after the hunt');
	await settle();
	return Object.assign(r, {frame, press, until});
}

/** The lines of a frame. */
export const linesOf = (frame: string) => frame.split('\n');
