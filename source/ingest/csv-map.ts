/**
 * csv: any CSV with a header row, read through a `--map` from normalized fields (SPEC 2) to its
 * column names (SPEC 3). Never detected: chosen by `--map` (or `--format csv --map ...`).
 *
 * The map is a YAML or JSON file of `field: column` lines, or inline `field=column,field=column`.
 * `ts` is required, and `outcome` or `event_id`. Values are read as:
 * - ts: epoch seconds or ms (below 1e11 is seconds), or ISO 8601 (without a zone: read in --tz);
 * - outcome: success / succeeded / successful / ok / true / yes / accepted / allowed / 4624 is a
 *   success; failure / failed / fail / false / no / denied / rejected / 4625 a failure (any case);
 * - event_id: an integer; without an `outcome` column, 4624 is a success, 4625 a failure and other
 *   event ids are skipped (as in windows-json);
 * - logon_type: a number or a Windows name (Network, RemoteInteractive, ...);
 * - src_ip, dst_ip: IPv4-mapped IPv6 reduced to IPv4; src_port: 1..65535;
 * - target: the mapped column, else dst_host, else dst_ip (SPEC 2);
 * - service: the mapped column, else from the logon type (3 network, 10 rdp, ...);
 * - every other field: the cell as written ('' and '-' kept).
 * A row whose value cannot be read is rejected with its line and the reason; the rest loads.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import {readCsvObjects} from './csv.ts';
import {address, instant, integer, port, serviceForLogonType} from './fields.ts';
import {logonTypeOf} from './lanl.ts';
import type {Format, Logon, Normalized, RawRecord, ReadOptions} from './types.ts';
import {InputError, UsageError} from '../util/errors.ts';

/** The normalized fields a map may name (SPEC 2). */
export const MAP_FIELDS = ['ts', 'outcome', 'event_id', 'logon_type', 'src_ip', 'src_port', 'src_host', 'user', 'domain', 'target', 'dst_host', 'dst_ip', 'service', 'auth_package', 'log_source_type'] as const;
type MapField = (typeof MAP_FIELDS)[number];

const SUCCESS = new Set(['success', 'succeeded', 'successful', 'ok', 'true', 'yes', 'accepted', 'allowed', 'allow', '4624', 'audit success']);
const FAILURE = new Set(['failure', 'failed', 'fail', 'false', 'no', 'denied', 'deny', 'rejected', '4625', 'audit failure']);

/** What is wrong with a map (field -> column), or undefined when it is usable. */
export function mapProblem(map: Record<string, unknown>): string | undefined {
	const unknown = Object.keys(map).filter(k => !(MAP_FIELDS as readonly string[]).includes(k));
	if (unknown.length > 0) return `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(k => `"${k}"`).join(', ')} (fields: ${MAP_FIELDS.join(', ')})`;
	for (const [field, column] of Object.entries(map)) {
		if (typeof column !== 'string' || column.trim() === '') return `field "${field}": the column name must be non-empty text`;
	}

	if (map['ts'] === undefined) return 'no "ts" column: the time of each logon is required';
	if (map['outcome'] === undefined && map['event_id'] === undefined) return 'neither "outcome" nor "event_id" is mapped: one of them must say success or failure';
	return undefined;
}

/**
 * The `--map` option: the path of a YAML/JSON map file, or inline `field=column,...`.
 * A bad map file is an InputError naming it; a bad inline map a UsageError.
 */
export function parseMapOption(spec: string): Record<string, string> {
	const isFile = fs.existsSync(spec) && fs.statSync(spec).isFile();
	if (!isFile && !spec.includes('=')) throw new InputError(spec, 'no such --map file (or give the map inline as field=column,...)');
	if (!isFile) {
		const map: Record<string, string> = {};
		for (const pair of spec.split(',')) {
			const eq = pair.indexOf('=');
			if (eq <= 0) throw new UsageError(`--map: "${pair}" is not field=column`);
			map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
		}

		const problem = mapProblem(map);
		if (problem) throw new UsageError(`--map: ${problem}`);
		return map;
	}

	let parsed: unknown;
	try {
		parsed = YAML.parse(fs.readFileSync(spec, 'utf8'));
	} catch (error) {
		const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/:\s*$/, '');
		throw new InputError(spec, `not a readable --map file (YAML or JSON): ${first}`);
	}

	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new InputError(spec, 'a --map file maps normalized fields to column names, one "field: column" per line (e.g. "ts: EventTime")');
	}

	const problem = mapProblem(parsed as Record<string, unknown>);
	if (problem) throw new InputError(spec, `--map file: ${problem}`);
	return parsed as Record<string, string>;
}

/** A cell by column name: exact, else ignoring case and surrounding space. */
function cell(record: Record<string, unknown>, column: string): string | undefined {
	const exact = record[column];
	if (typeof exact === 'string') return exact;
	const wanted = column.trim().toLowerCase();
	for (const [name, value] of Object.entries(record)) {
		if (name.trim().toLowerCase() === wanted && typeof value === 'string') return value;
	}

	return undefined;
}

const known = (v: string | null): v is string => v !== null && v.trim() !== '' && v.trim() !== '-';

/** Pure: one CSV row (keyed by the header's names) through the map to a logon, a skip or a reject. */
export function normalizeCsvMap(raw: unknown, line: number, options: Pick<ReadOptions, 'tz' | 'map'>): Normalized {
	const map = options.map;
	if (!map) return {kind: 'reject', reason: 'the csv format needs --map'};
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {kind: 'reject', reason: 'not a CSV row'};
	const record = raw as Record<string, unknown>;
	const get = (field: MapField): string | null => {
		const column = map[field];
		return column === undefined ? null : cell(record, column) ?? null;
	};

	const eventIdText = get('event_id');
	const eventId = eventIdText === null || eventIdText.trim() === '' ? null : integer(eventIdText);
	if (eventIdText !== null && eventIdText.trim() !== '' && eventId === null) return {kind: 'reject', reason: `event_id "${eventIdText}" (column ${map['event_id']}) is not a number`};

	let outcome: Logon['outcome'];
	const outcomeText = get('outcome');
	if (map['outcome'] !== undefined) {
		const o = (outcomeText ?? '').trim().toLowerCase();
		if (SUCCESS.has(o)) outcome = 'success';
		else if (FAILURE.has(o)) outcome = 'failure';
		else return {kind: 'reject', reason: `outcome "${outcomeText ?? ''}" (column ${map['outcome']}) is neither a success (success, succeeded, ok, true, 4624...) nor a failure (failure, failed, false, denied, 4625...)`};
	} else if (eventId === 4624 || eventId === 4625) {
		outcome = eventId === 4624 ? 'success' : 'failure';
	} else {
		return {kind: 'skip', reason: `event ${eventIdText ?? '?'}`};
	}

	const tsText = get('ts');
	const time = tsText === null || tsText.trim() === '' ? undefined : instant(tsText.trim(), options.tz);
	if (!time) return {kind: 'reject', reason: `ts "${tsText ?? ''}" (column ${map['ts']}) is not a time (epoch seconds or ms, or ISO 8601)`};

	const logonTypeText = get('logon_type');
	const logonType = logonTypeText === null ? null : logonTypeOf(logonTypeText);
	if (logonType === undefined) return {kind: 'reject', reason: `logon_type "${logonTypeText}" (column ${map['logon_type']}) is not a Windows logon type`};

	const dstHost = get('dst_host');
	const dstIp = address(get('dst_ip'));
	const target = get('target') ?? (known(dstHost) ? dstHost : known(dstIp) ? dstIp : dstHost ?? dstIp);
	const logon: Logon = {
		ts: time.ts,
		outcome,
		event_id: eventId,
		logon_type: logonType,
		src_ip: address(get('src_ip')),
		src_port: port(get('src_port')),
		src_host: get('src_host'),
		user: get('user'),
		domain: get('domain'),
		target,
		dst_host: dstHost,
		dst_ip: dstIp,
		service: get('service') ?? serviceForLogonType(logonType),
		auth_package: get('auth_package'),
		log_source_type: get('log_source_type'),
		raw_ref: line,
	};
	const timeField = time.zoned ? map['ts']! : `${map['ts']!} (no zone, read as ${options.tz})`;
	return {kind: 'logon', logon, timeField};
}

/** Rows as header-keyed objects, after checking that every mapped column is in the header. */
async function * readMapped(file: string, options: ReadOptions): AsyncGenerator<RawRecord> {
	const map = options.map;
	if (!map) throw new InputError(file, 'the csv format needs --map (a file of "field: column" lines, or field=column,...)');
	let checked = false;
	for await (const record of readCsvObjects(file)) {
		if (!checked && 'value' in record) {
			const header = Object.keys(record.value as Record<string, unknown>);
			const lower = new Set(header.map(h => h.trim().toLowerCase()));
			for (const [field, column] of Object.entries(map)) {
				if (!header.includes(column) && !lower.has(column.trim().toLowerCase())) {
					throw new InputError(file, `column "${column}" (mapped to ${field}) is not in the header (columns: ${header.join(', ')})`);
				}
			}

			checked = true;
		}

		yield record;
	}
}

export const csvMapFormat: Format = {
	name: 'csv',
	sniff: () => false,
	read: readMapped,
	normalize: normalizeCsvMap,
};
