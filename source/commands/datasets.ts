/**
 * `lateral datasets`: what is loaded.
 */
import {listDatasets, type DatasetRow} from '../db/store.ts';
import {renderTable} from '../export/table.ts';
import {toCsv, toJson, toNdjson, ROW_FORMATS} from '../export/rows.ts';
import {formatIso, formatLocal} from '../util/time.ts';
import {println, stringFlag, type Command} from './command.ts';
import {formatOf, openFromFlags, outputWidth, tzOf} from './options.ts';

const help = `
Usage
  $ lateral datasets [--format table|json|ndjson|csv]

Lists the loaded files: path, format, sha256, records, rejected, skipped non-logon events and
the time span of their logons (first_seen/last_seen: ISO 8601 in JSON, --tz in the table).
repeats: how many of a file's logons an earlier file already held when it loaded (the same log
collected twice, or in two formats; null for files loaded before lateral counted them); hunts
count both copies.

Examples
  $ lateral datasets
  $ lateral datasets --format json
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

export const datasets: Command = {
	name: 'datasets',
	summary: 'list the loaded files',
	help,
	flags: {format: {type: 'string'}},
	async run({flags, stdout, stderr}) {
		const tz = tzOf(flags);
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
