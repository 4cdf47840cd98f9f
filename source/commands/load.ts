/**
 * `lateral load PATH...`: load files or folders into the store, one transaction per file.
 */
import fs from 'node:fs';
import path from 'node:path';
import {parseMapOption} from '../ingest/csv-map.ts';
import {expandPaths, loadPath, type FileResult} from '../ingest/load.ts';
import {FORMATS, type FormatName} from '../ingest/types.ts';
import type {Repeats} from '../db/repeats.ts';
import {RuntimeError, UsageError} from '../util/errors.ts';
import {formatDuration, formatLocal, parseInstant} from '../util/time.ts';
import {clip, neutralize} from '../util/sanitize.ts';
import {count, plural} from '../util/text.ts';
import {println, stringFlag, type Command} from './command.ts';
import {openFromFlags, positiveInt, tzOf} from './options.ts';

const help = `
Usage
  $ lateral load PATH... [options]

Loads logon files, or folders of them (recursively), into the database. The format of each file
is detected; --format forces one. Text files may be gzip-compressed (auth.log.2.gz); a zip
archive named here loads each log file in it (zips inside folders are skipped). Each file loads
completely or not at all; the same file (same sha256) loaded again loads nothing.

Options
  --format NAME   ${FORMATS.join(' | ')}
  --year N        year of classic syslog timestamps (default: the file's modification year)
  --tz ZONE       zone of times written without one (syslog, NXLog EventTime); default UTC
  --epoch ISO     lanl: the instant that second 0 stands for (default 1970-01-01T00:00:00Z)
  --map FILE      csv: a YAML/JSON file of "field: column" lines (normalized field: CSV column),
                  or inline field=column,...; --map implies --format csv
  --db FILE       database (default $LATERAL_DB, else db/lateral.sqlite)

Examples
  $ lateral load datasets/sample
  $ lateral load /cases/ir-2291/auth.log --year 2025 --tz Europe/Berlin
  $ lateral load export.json --format qradar
  $ lateral load /var/log/auth.log.2.gz
  $ lateral load triage/HOST1.zip
  $ lateral load auth.txt --format lanl --epoch 2015-01-01T00:00:00Z
  $ lateral load vpn-export.csv --map vpn-map.yaml
`;

/** One line describing a file's result. */
export function describeResult(r: FileResult, tz: string, readingFlags: string[] = []): string {
	const file = neutralize(r.file);
	switch (r.status) {
		case 'duplicate': {
			// Loaded before with other reading options, perhaps: a file's bytes load once per store.
			const again = readingFlags.length === 0 ? '' : `; a file's bytes load once, read as they were the first time: to read them with ${readingFlags.join(' and ')}, take the dataset out first (lateral datasets rm ${r.datasetId})`;
			return `${file}: already loaded (dataset ${r.datasetId}, ${r.format}), nothing to do${again}`;
		}

		case 'refused': return `${file}: ${neutralize(r.reason)}`;
		case 'loaded': {
			const span = r.firstTs === null || r.lastTs === null ? 'no logons' : `${formatLocal(r.firstTs, tz)} .. ${formatLocal(r.lastTs, tz)} ${tz}`;
			const parts = [
				plural(r.records, 'logon'),
				`${count(r.rejected)} rejected`,
				`${count(r.skipped)} other events skipped`,
			];
			const timeField = r.timeField ? `, times from ${neutralize(r.timeField)}` : '';
			return `${file}: ${r.format}, ${parts.join(', ')}; ${span}${timeField}`;
		}
	}
}

/** The line after several files: how many loaded, their logons, repeats and rejects, and the files that were not. */
export function describeTotals(results: FileResult[]): string {
	const files = (n: number) => plural(n, 'file');
	const loaded = results.filter(r => r.status === 'loaded');
	const sum = (value: (r: typeof loaded[number]) => number) => loaded.reduce((n, r) => n + value(r), 0);
	const repeats = sum(r => r.repeats?.logons ?? 0);
	const parts = [`${plural(sum(r => r.records), 'logon')}${repeats > 0 ? ` (${count(repeats)} of them already loaded from other files)` : ''}`, `${count(sum(r => r.rejected))} rejected`];
	const others = [['already loaded', 'duplicate'], ['refused', 'refused']].flatMap(([what, status]) => {
		const n = results.filter(r => r.status === status).length;
		return n > 0 ? [`${files(n)} ${what}`] : [];
	});
	return `total: ${files(loaded.length)} loaded, ${parts.join(', ')}${others.length > 0 ? `; ${others.join(', ')}` : ''}`;
}

/** Datasets named in full in a file's repeats line; the rest are counted. */
const REPEATS_NAMED = 3;

/**
 * The line under a loaded file whose logons an earlier file holds too: the same log collected
 * twice, or exported in two formats. Both copies are kept and hunts count each of them.
 */
export function describeRepeats(repeats: Repeats, records: number): string {
	const named = repeats.datasets.slice(0, REPEATS_NAMED).map(d => `dataset ${d.id} (${neutralize(path.basename(d.path))}${repeats.datasets.length > 1 ? `: ${count(d.logons)}` : ''})`);
	const more = repeats.datasets.length - named.length;
	if (more > 0) named.push(plural(more, 'more dataset'));
	const all = repeats.logons === records
		? (records === 1 ? 'its one logon is' : `all ${count(records)} logons are`)
		: `${count(repeats.logons)} of its ${count(records)} logons ${repeats.logons === 1 ? 'is' : 'are'}`;
	return `  repeats: ${all} already loaded, from ${named.join(', ')} (same time, outcome, logon type, source, user and target); hunts count both copies: load just one of the files to count them once`;
}

/** Flags that change how a file's records are read (times, fields), not which files load. */
const READING_FLAGS = ['format', 'year', 'epoch', 'map', 'tz'] as const;

export const load: Command = {
	name: 'load',
	summary: 'load files or folders of logon data',
	help,
	flags: {
		format: {type: 'string'},
		year: {type: 'number'},
		epoch: {type: 'string'},
		map: {type: 'string'},
	},
	async run({input, flags, stdout, stderr}) {
		if (input.length === 0) throw new UsageError('load needs at least one PATH (see lateral load --help)');
		const tz = tzOf(flags);
		const format = stringFlag(flags, 'format');
		if (format !== undefined && !FORMATS.includes(format as FormatName)) {
			throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
		}

		if (flags['readOnly'] === true) throw new RuntimeError('load writes to the database, and --read-only forbids writing');
		const epochText = stringFlag(flags, 'epoch');
		const mapText = stringFlag(flags, 'map');
		if (mapText !== undefined && format !== undefined && format !== 'csv') throw new UsageError(`--map goes with --format csv, not ${format} (that format names its own fields)`);
		if (format === 'csv' && mapText === undefined) throw new UsageError('--format csv needs --map FILE (lines of "field: column") or --map field=column,...');
		const map = mapText === undefined ? undefined : parseMapOption(mapText);
		const archives: string[] = [];
		const files = expandPaths(input, archives);
		const archiveHint = archives.length === 0 ? '' : `; ${plural(archives.length, 'zip archive')} inside folders skipped: name them to load them (lateral load ${path.join(path.dirname(archives[0]!), '*.zip')})`;
		if (files.length === 0) throw new UsageError(`no files found under ${input.join(', ')}${archiveHint}`);
		if (archiveHint) println(stderr, `lateral: ${archiveHint.slice(2)}`);
		const db = openFromFlags(flags);

		let interrupted = false;
		const onSigint = () => {
			interrupted = true;
		};

		process.on('SIGINT', onSigint);
		const progress = progressReporter(stderr);
		let failed = 0;
		const options = {
			tz,
			format: (map ? 'csv' : format) as FormatName | undefined,
			year: yearOf(flags),
			epoch: epochText === undefined ? undefined : parseInstant(epochText, '--epoch', tz),
			map,
			onProgress: progress.update,
			onFinishing: progress.finishing,
			cancelled: () => interrupted,
		};
		const results: FileResult[] = [];
		try {
			for (const file of files) {
				if (interrupted) break;
				// A zip archive gives a result per member.
				for await (const result of loadPath(db, file, options)) {
					progress.done();
					results.push(result);
					// Ctrl-C: the file in progress was rolled back; one line below says so.
					if (interrupted && result.status === 'refused') break;
					if (result.status === 'refused') {
						failed++;
						println(stderr, `lateral: ${describeResult(result, tz)}`);
						continue;
					}

					println(stdout, describeResult(result, tz, READING_FLAGS.filter(f => flags[f] !== undefined).map(f => `--${f}`)));
					if (result.status === 'loaded') {
						if (result.repeats) println(stdout, describeRepeats(result.repeats, result.records));
						for (const r of result.rejects) println(stdout, `  rejected line ${r.line}: ${neutralize(r.reason)}`);
						if (result.rejected > result.rejects.length) {
							println(stdout, `  ... and ${result.rejected - result.rejects.length} more rejected (lateral datasets shows the totals)`);
						}
					}
				}
			}
		} finally {
			process.off('SIGINT', onSigint);
			db.close();
		}

		// Many files scroll by: a last line adds them up.
		if (results.length > 1) println(stdout, describeTotals(results));
		if (interrupted) {
			println(stderr, 'lateral: load interrupted; the file in progress was rolled back, completed files are kept');
			return 130;
		}

		return failed > 0 ? 1 : 0;
	},
};

/** Columns the progress line keeps for the file's name however narrow the terminal. */
const MIN_NAME = 12;

/**
 * Progress on stderr for files that take more than a second: on a TTY a live line with the
 * rate and, for line-based files, the share done and the time left to read; once the file is
 * read, that its totals and indexes are being made (on 10M logons, a minute after the reading).
 * Off a terminal (a pipe, a log file, CI) it stays silent: the summary line at the end says what
 * was loaded. `now` is the clock (tests give their own).
 */
export function progressReporter(stderr: NodeJS.WriteStream, now: () => number = Date.now) {
	let started = 0;
	let shown = false;
	// One line short of the terminal's width: the file's name gives up its middle, so that the
	// share, rate and time left stay in view on a narrow terminal or with a long path; `extra`
	// comes last, when there is room for it.
	const show = (before: string, file: string, after: string, extra = '') => {
		const width = (stderr.columns || 80) - 1;
		if (before.length + MIN_NAME + after.length + extra.length <= width) after += extra;
		const name = clip(file, Math.max(MIN_NAME, width - before.length - after.length), 'middle');
		stderr.write(`\r\x1b[2K${`${before}${name}${after}`.slice(0, width)}`);
		shown = true;
	};

	return {
		update(file: string, records: number, fraction?: number) {
			const at = now();
			if (started === 0) started = at;
			const elapsed = at - started;
			if (elapsed < 1000 || !stderr.isTTY) return;
			const rate = Math.round(records / (elapsed / 1000));
			const size = safeSize(file);
			const share = fraction !== undefined && fraction > 0 ? ` ${Math.floor(fraction * 100)}%` : '';
			const eta = fraction !== undefined && fraction > 0.01 ? `, about ${formatDuration((elapsed / fraction - elapsed) / 1000)} left to read` : '';
			show('loading ', file, `${share}: ${count(records)} records, ${count(rate)}/s${eta}`, size ? ` (${(size / 1e6).toFixed(0)} MB file)` : '');
		},
		finishing(file: string, records: number) {
			if (!shown) return;
			show('finishing ', file, `: ${plural(records, 'record')} read; adding totals, building indexes...`);
		},
		done() {
			if (shown) stderr.write('\r\x1b[2K');
			shown = false;
			started = 0;
		},
	};
}

function safeSize(file: string): number | undefined {
	try {
		return fs.statSync(file).size;
	} catch {
		return undefined;
	}
}

/** --year: a year syslog could have written (a typo such as 20266 would date every line there). */
function yearOf(flags: Record<string, unknown>): number | undefined {
	const year = positiveInt(flags, 'year');
	if (year !== undefined && (year < 1970 || year > 2200)) throw new UsageError(`--year must be from 1970 to 2200 (got ${year})`);
	return year;
}
