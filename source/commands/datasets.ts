/**
 * `lateral datasets`: what is loaded.
 */
import {countLogons, listDatasets, removeDatasets, type DatasetRow} from '../db/store.ts';
import {InputError, RuntimeError, UsageError} from '../util/errors.ts';
import {neutralize} from '../util/sanitize.ts';
import {count, plural} from '../util/text.ts';
import {renderTable} from '../export/table.ts';
import {toCsv, toJson, toNdjson, ROW_FORMATS} from '../export/rows.ts';
import {formatIso, formatLocal} from '../util/time.ts';
import {println, stringFlag, type Command} from './command.ts';
import {formatOf, openFromFlags, outputWidth, tzOf} from './options.ts';

const help = `
Usage
  $ lateral datasets [--format table|json|ndjson|csv]
  $ lateral datasets rm ID...

Lists the loaded files: path, format, sha256, records, rejected, skipped non-logon events and
the time span of their logons (first_seen/last_seen: ISO 8601 in JSON, --tz in the table).
repeats: how many of a file's logons an earlier file already held when it loaded (the same log
collected twice, or in two formats; null for files loaded before lateral counted them); hunts
count both copies.

rm takes loaded files back out (IDs as listed): their logons and rejects go, and every total
is made again from the logons left, as their loads made them (about a minute per few million
logons). To read a file again with other options (--year, --tz), rm it and load it again.

Examples
  $ lateral datasets
  $ lateral datasets --format json
  $ lateral datasets rm 3
`;

/** The public shape of a dataset (JSON keys). */
export function datasetView(d: DatasetRow, tz: string) {
	return {
		id: d.id,
		path: d.path,
		format: d.format,
		sha256: d.sha256,
		records: d.records,
		rejected: d.rejected,
		skipped: d.skipped,
		first_seen: d.first_ts === null ? null : formatIso(d.first_ts, tz),
		last_seen: d.last_ts === null ? null : formatIso(d.last_ts, tz),
		first_ts: d.first_ts,
		last_ts: d.last_ts,
		time_field: d.time_field,
		repeats: d.repeats,
		loaded_at: formatIso(d.loaded_at, 'UTC'),
	};
}

/** `lateral datasets rm ID...`: the datasets taken out in one transaction, and what that left. */
function remove(args: string[], flags: Record<string, unknown>, stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): number {
	if (args.length === 0) throw new UsageError('datasets rm needs the ID of each file to remove (see lateral datasets)');
	const ids = [...new Set(args.map(a => {
		if (!/^\d+$/.test(a)) throw new UsageError(`datasets rm: "${a}" is not a dataset ID (see lateral datasets)`);
		return Number(a);
	}))];
	if (flags['readOnly'] === true) throw new RuntimeError('datasets rm writes to the database, and --read-only forbids writing');
	const db = openFromFlags(flags, {existing: 'required'});
	try {
		const known = new Map(listDatasets(db).map(d => [d.id, d]));
		const missing = ids.find(id => !known.has(id));
		if (missing !== undefined) throw new InputError(`dataset ${missing}`, 'not loaded (lateral datasets lists the IDs)');
		const left = countLogons(db) - ids.reduce((sum, id) => sum + known.get(id)!.records, 0);
		if (stderr.isTTY) stderr.write(`removing ${plural(ids.length, 'dataset')}; the totals of the ${count(left)} logons left are made again...`);
		try {
			db.transaction(() => removeDatasets(db, ids)).immediate();
		} finally {
			if (stderr.isTTY) stderr.write('\r\x1b[2K');
		}

		for (const id of ids) {
			const d = known.get(id)!;
			println(stdout, `removed dataset ${id}: ${neutralize(d.path)} (${d.format}, ${plural(d.records, 'logon')})`);
		}

		println(stdout, `${plural(countLogons(db), 'logon')} left in ${plural(listDatasets(db).length, 'dataset')}`);
		return 0;
	} finally {
		db.close();
	}
}

export const datasets: Command = {
	name: 'datasets',
	summary: 'list the loaded files',
	help,
	flags: {format: {type: 'string'}},
	async run({input, flags, stdout, stderr}) {
		const tz = tzOf(flags);
		if (input[0] === 'rm') return remove(input.slice(1), flags, stdout, stderr);
		if (input.length > 0) throw new UsageError(`datasets takes no argument but rm (got "${input[0]}"; see lateral datasets --help)`);
		const format = formatOf(flags, ROW_FORMATS, 'table');
		const db = openFromFlags(flags, {existing: 'empty', stderr});
		try {
			const rows = listDatasets(db).map(d => datasetView(d, tz));
			if (format === 'json') println(stdout, toJson(rows));
			else if (format === 'ndjson') println(stdout, toNdjson(rows));
			else if (format === 'csv') println(stdout, toCsv(rows));
			else if (rows.length === 0) println(stdout, 'No datasets loaded yet. Load some with: lateral load PATH (try datasets/sample)');
			else {
				println(stdout, renderTable(rows, [
					{header: 'ID', value: r => r.id, right: true},
					{header: 'FORMAT', value: r => r.format},
					{header: 'RECORDS', value: r => r.records, right: true},
					{header: 'REJECTED', value: r => r.rejected, right: true},
					// The file name tells the rows apart: below 22 columns for the path (80 columns leave it that), SKIPPED, REPEATS and FIRST make room.
					{header: 'SKIPPED', value: r => r.skipped, right: true, drop: 3},
					// Only when a file repeats logons of an earlier one.
					...rows.some(r => (r.repeats ?? 0) > 0) ? [{header: 'REPEATS', value: (r: typeof rows[number]) => r.repeats || '', right: true, drop: 2}] : [],
					{header: `FIRST (${tz})`, value: r => r.first_ts === null ? '' : formatLocal(r.first_ts, tz), drop: 1},
					{header: `LAST (${tz})`, value: r => r.last_ts === null ? '' : formatLocal(r.last_ts, tz)},
					{header: 'PATH', value: r => r.path, flexible: true, min: 22, elide: 'middle'},
				], outputWidth(stdout)));
			}
		} finally {
			db.close();
		}

		return 0;
	},
};
