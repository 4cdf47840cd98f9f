/**
 * `lateral events`: the normalized logon records, filtered: the headless way to see exactly what
 * was loaded.
 */
import {countLogons, listDatasets, LOGON_COLUMNS, queryEvents} from '../db/store.ts';
import {renderTable} from '../export/table.ts';
import {toCsv, toJson, toNdjson, ROW_FORMATS} from '../export/rows.ts';
import {RuntimeError, UsageError} from '../util/errors.ts';
import {formatLocal, parseInstant} from '../util/time.ts';
import {NOTHING_LOADED, println, stringFlag, type Command} from './command.ts';
import {formatOf, openFromFlags, outputWidth, positiveInt, tzOf} from './options.ts';

const help = `
Usage
  $ lateral events [filters] [--format table|json|ndjson|csv]

Prints normalized logon records, oldest first. JSON keys are the normalized record's columns
(ts in epoch ms UTC) plus file and line, the pointer back to the raw record.

Filters
  --src IP          source address
  --user NAME       user (case-insensitive)
  --target HOST     target host (case-insensitive)
  --since ISO       from this time (inclusive; zone-less times are read in --tz)
  --until ISO       up to this time (inclusive; a date alone: to the end of that day)
  --dataset ID      one loaded file (see lateral datasets)
  --limit N         at most N records

Examples
  $ lateral events --user adm-jdoe --since 2026-11-05T00:00:00Z --format ndjson
  $ lateral events --src 10.10.3.7 --limit 20
`;

/** The events' JSON keys and CSV columns: the normalized record's, with the pointer back to the raw record. */
const EVENT_COLUMNS = [...LOGON_COLUMNS.filter(k => k !== 'raw_ref'), 'file', 'line'];

/**
 * --until as an instant: a date alone is the whole of that day in the zone (up to the last
 * millisecond before the next day's midnight there), so `--since D --until D` is the day D, not
 * nothing; a time to the second or the minute is the whole of that second or minute, as the times
 * lateral shows are (a logon shown at 00:06:05 may be at 00:06:05.429).
 */
export function untilOf(text: string, tz: string): number {
	const start = parseInstant(text, '--until', tz);
	const time = /^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?\s*(Z|[+-]\d{2}(:?\d{2})?)?\s*$/i.exec(text);
	if (time) return time[2] === undefined ? start + (time[1] === undefined ? 59_999 : 999) : start;
	const day = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
	if (!day) return start;
	const next = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + 1)).toISOString().slice(0, 10);
	return parseInstant(next, '--until', tz) - 1;
}

export const events: Command = {
	name: 'events',
	summary: 'print normalized logon records',
	help,
	flags: {
		src: {type: 'string'},
		user: {type: 'string'},
		target: {type: 'string'},
		since: {type: 'string'},
		until: {type: 'string'},
		dataset: {type: 'number'},
		limit: {type: 'number'},
		format: {type: 'string'},
	},
	async run({flags, stdout, stderr}) {
		const tz = tzOf(flags);
		const format = formatOf(flags, ROW_FORMATS, 'table');
		const since = stringFlag(flags, 'since');
		const until = stringFlag(flags, 'until');
		const filter = {
			src: stringFlag(flags, 'src'),
			user: stringFlag(flags, 'user'),
			target: stringFlag(flags, 'target'),
			since: since === undefined ? undefined : parseInstant(since, '--since', tz),
			until: until === undefined ? undefined : untilOf(until, tz),
			dataset: positiveInt(flags, 'dataset'),
			limit: positiveInt(flags, 'limit'),
		};
		if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) throw new UsageError(`--since ${since} is after --until ${until}`);
		const db = openFromFlags(flags, {existing: 'empty', stderr});
		try {
			if (filter.dataset !== undefined && !listDatasets(db).some(d => d.id === filter.dataset)) {
				throw new RuntimeError(`no dataset ${filter.dataset} is loaded (lateral datasets lists them)`);
			}

			const rows = queryEvents(db, filter).map(({id: _id, path, raw_ref, ...rest}) => ({...rest, file: path, line: raw_ref}));
			if (format === 'json') println(stdout, toJson(rows));
			else if (format === 'ndjson') println(stdout, toNdjson(rows));
			else if (format === 'csv') println(stdout, toCsv(rows, EVENT_COLUMNS));
			else if (rows.length === 0 && countLogons(db) === 0) println(stderr, NOTHING_LOADED);
			else if (rows.length === 0) println(stdout, 'No logons match.');
			else {
				println(stdout, renderTable(rows, [
					{header: `TIME (${tz})`, value: r => formatLocal(r.ts, tz)},
					{header: 'OUTCOME', value: r => r.outcome},
					{header: 'TYPE', value: r => r.logon_type, right: true},
					{header: 'SOURCE', value: r => r.src_ip},
					{header: 'USER', value: r => r.user, flexible: true, min: 10},
					{header: 'TARGET', value: r => r.target, flexible: true, min: 10},
					{header: 'SERVICE', value: r => r.service},
				], outputWidth(stdout)));
			}
		} finally {
			db.close();
		}

		return 0;
	},
};
