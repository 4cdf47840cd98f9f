/**
 * `lateral generate`: write a synthetic enterprise dataset with known ground truth.
 */
import fs from 'node:fs';
import path from 'node:path';
import {parseDate} from '../generate/calendar.ts';
import {MIN_USERS} from '../generate/enterprise.ts';
import {generateDataset} from '../generate/index.ts';
import {InputError, UsageError} from '../util/errors.ts';
import {println, stringFlag, type Command} from './command.ts';
import {positiveInt, tzOf} from './options.ts';

const WINDOWS_FORMATS = ['windows-json', 'falcon', 'qradar-json', 'qradar-csv'] as const;
type WindowsFormat = (typeof WINDOWS_FORMATS)[number];

const help = `
Usage
  $ lateral generate --out DIR [options]

Writes a deterministic synthetic enterprise: Windows logons (in the chosen format), an sshd
auth.log for the Linux servers, and ground-truth.json naming the planted attacker
(source, user) pairs and the benign look-alikes (VDI broker, software distribution, backup,
jump server, domain controllers).

Options
  --out DIR               folder to write (created if needed)
  --seed N                random seed (default 1); the same seed writes the same bytes
  --days N                days of activity (default 7)
  --users N               number of users (default 200)
  --start DATE            first day, ISO date (default 2026-11-02)
  --tz ZONE               the site's zone for business hours (default UTC)
  --windows-format FMT    ${WINDOWS_FORMATS.join(' | ')} (default windows-json)

Examples
  $ lateral generate --out /tmp/week --seed 42
  $ lateral generate --out /tmp/falcon-week --windows-format falcon --users 500
`;

export const generate: Command = {
	name: 'generate',
	summary: 'write a synthetic dataset with known ground truth',
	help,
	flags: {
		out: {type: 'string'},
		seed: {type: 'number', default: 1},
		days: {type: 'number', default: 7},
		users: {type: 'number', default: 200},
		start: {type: 'string', default: '2026-11-02'},
		windowsFormat: {type: 'string', default: 'windows-json'},
	},
	async run({flags, stdout, stderr}) {
		const out = stringFlag(flags, 'out');
		if (!out) throw new UsageError('generate needs --out DIR (see lateral generate --help)');
		const windowsFormat = stringFlag(flags, 'windowsFormat') ?? 'windows-json';
		if (!WINDOWS_FORMATS.includes(windowsFormat as WindowsFormat)) {
			throw new UsageError(`--windows-format must be one of ${WINDOWS_FORMATS.join(', ')} (got "${windowsFormat}")`);
		}

		const start = stringFlag(flags, 'start') ?? '2026-11-02';
		if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new UsageError(`--start must be an ISO date such as 2026-11-02 (got "${start}")`);
		try {
			parseDate(start);
		} catch (error) {
			throw new UsageError(`--${(error as Error).message}`);
		}

		const days = positiveInt(flags, 'days') ?? 7;
		const users = positiveInt(flags, 'users', MIN_USERS) ?? 200;
		const stat = fs.statSync(path.resolve(out), {throwIfNoEntry: false});
		if (stat && !stat.isDirectory()) throw new InputError(out, 'exists and is not a folder (--out names the folder to write into)');
		const truth = await generateDataset({
			out: path.resolve(out),
			seed: positiveInt(flags, 'seed', 0) ?? 1,
			days,
			users,
			start,
			tz: tzOf(flags),
			windowsFormat: windowsFormat as WindowsFormat,
		}, message => {
			if (stderr.isTTY) println(stderr, message);
		});
		for (const f of truth.files) println(stdout, `${path.join(out, f.file)}: ${f.format}, ${f.records} logons, ${f.skipped} other events`);
		println(stdout, `${path.join(out, 'ground-truth.json')}: ${truth.attacker_pairs.length} planted attacker pairs, ${truth.benign_lookalikes.length} benign look-alikes`);
		return 0;
	},
};
