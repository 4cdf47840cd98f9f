/**
 * `lateral tui` (and `lateral` with no command): the console.
 */
import fs from 'node:fs';
import path from 'node:path';
import {openDb, repoRoot, resolveDbPath} from '../db/open.ts';
import {countLogons} from '../db/store.ts';
import {expandPaths, loadFile} from '../ingest/load.ts';
import {listProfiles} from '../detect/profiles.ts';
import {parseDuration, parseInstant} from '../util/time.ts';
import {RuntimeError} from '../util/errors.ts';
import {println, stringFlag, type Command} from './command.ts';
import {tzOf} from './options.ts';

/** The bundled sample a newcomer sees on an empty database. */
export const sampleDir = path.join(repoRoot, 'datasets', 'sample');

const help = `
Usage
  $ lateral [tui] [options]

Opens the full-screen hunting console on the database. Press ? inside for the keys.

Options
  --profile NAME   profile to open with (default ${defaultProfile()})
  --now ISO        end of the hunt window (default: the newest loaded logon)
  --window DUR     window length (24h, 7d, all; default the profile's)
  --sample         load the bundled sample (datasets/sample) first if the database is empty
  --tz ZONE        zone for after-hours and displayed times (default UTC)
  --no-color       no colours (NO_COLOR is honoured too)
  --db FILE        database (default $LATERAL_DB, else db/lateral.sqlite)

Examples
  $ lateral
  $ lateral tui --profile logscale --tz Europe/Berlin
`;

function defaultProfile(): string {
	return listProfiles().some(p => p.name === 'lateral') ? 'lateral' : 'qradar';
}

/** The year of the sample's syslog lines (they carry none), as its generator recorded it. */
function sampleSyslogYear(): number {
	const truth = JSON.parse(fs.readFileSync(path.join(sampleDir, 'ground-truth.json'), 'utf8')) as {syslog_year?: unknown};
	return typeof truth.syslog_year === 'number' ? truth.syslog_year : new Date().getUTCFullYear();
}

/** Loads the bundled sample into `db`; returns a one-line summary. */
export async function loadSample(db: ReturnType<typeof openDb>, tz: string): Promise<string> {
	if (!fs.existsSync(sampleDir)) throw new RuntimeError(`the bundled sample is missing (${sampleDir})`);
	const year = sampleSyslogYear();
	let records = 0;
	for (const file of expandPaths([sampleDir])) {
		const result = await loadFile(db, file, {tz, year});
		if (result.status === 'loaded') records += result.records;
		if (result.status === 'refused') throw new RuntimeError(`${file}: ${result.reason}`);
	}

	return `loaded the bundled sample: ${records.toLocaleString('en-US')} logons`;
}

export const tui: Command = {
	name: 'tui',
	summary: 'open the console (the default command)',
	help,
	flags: {
		profile: {type: 'string'},
		now: {type: 'string'},
		window: {type: 'string'},
		sample: {type: 'boolean', default: false},
	},
	async run({flags, stdout, stderr}) {
		const tz = tzOf(flags);
		const dbPath = resolveDbPath(stringFlag(flags, 'db'));
		const db = openDb(dbPath, {readOnly: flags['readOnly'] === true});
		if (flags['sample'] === true && countLogons(db) === 0) println(stderr, await loadSample(db, tz));
		if (!stdout.isTTY) {
			println(stderr, 'lateral: the console needs a terminal; for scripts use lateral hunt, events or datasets');
			db.close();
			return 1;
		}

		const nowText = stringFlag(flags, 'now');
		const windowText = stringFlag(flags, 'window');
		const {runConsole} = await import('../ui/run.tsx');
		await runConsole({
			dbPath,
			db,
			profile: stringFlag(flags, 'profile') ?? defaultProfile(),
			tz,
			now: nowText === undefined ? undefined : parseInstant(nowText, '--now', tz),
			window: windowText === undefined ? undefined : parseDuration(windowText) ?? null,
			noColor: flags['color'] === false || Boolean(process.env['NO_COLOR']),
			loadSample: async () => loadSample(db, tz),
		});
		db.close();
		return 0;
	},
};
