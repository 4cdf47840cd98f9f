/**
 * qradar: QRadar Ariel results, as JSON (`{"events": [...]}`, or a plain array/NDJSON) or CSV
 * with a header. Columns are named as in the seed AQL: `starttime` (epoch ms), `sourceip`,
 * `destinationip`, `username`, `eventid`, `LogonType`, and the log source type as
 * `logsourcetypename` (or `devicetype` holding the name). Column names are matched ignoring case,
 * spaces and punctuation, so `Logon Type` and `LOGSOURCETYPENAME(devicetype)` work too.
 *
 * The target is `destinationip`, as the seed counts it. `username` is kept exactly as QRadar
 * stored it (no domain split), so grouping matches the SIEM's.
 */
import {readCsvObjects, csvHeader} from './csv.ts';
import {isObject, readJsonRecords} from './json-records.ts';
import {address, instant, integer, port, serviceForLogonType, text, textOrNull} from './fields.ts';
import {decodeHead, readHead} from './text.ts';
import type {Format, Normalized, ReadOptions} from './types.ts';

function key(name: string): string {
	return name.toLowerCase().replace(/[^a-z\d]/g, '');
}

/** The record with its keys reduced to lowercase letters and digits. */
function byKey(record: Record<string, unknown>): Map<string, unknown> {
	const out = new Map<string, unknown>();
	for (const [name, value] of Object.entries(record)) {
		const k = key(name);
		if (!out.has(k)) out.set(k, value);
	}

	return out;
}

function first(fields: Map<string, unknown>, ...names: string[]): unknown {
	for (const name of names) {
		const value = fields.get(name);
		if (value !== undefined) return value;
	}

	return undefined;
}

export function normalizeQradar(raw: unknown, line: number, options: Pick<ReadOptions, 'tz'>): Normalized {
	if (!isObject(raw)) return {kind: 'reject', reason: 'not a JSON object'};
	const f = byKey(raw);
	const eventId = integer(first(f, 'eventid', 'qideventid'));
	if (eventId !== 4624 && eventId !== 4625) {
		if (eventId === null && f.get('eventid') === undefined) return {kind: 'reject', reason: 'no eventid column'};
		return {kind: 'skip', reason: `event ${eventId ?? text(f.get('eventid')) ?? '?'}`};
	}

	const timeValue = first(f, 'starttime', 'devicetime', 'time');
	const time = timeValue === undefined || timeValue === '' ? undefined : instant(timeValue, options.tz);
	if (!time) return {kind: 'reject', reason: `starttime "${text(timeValue) ?? ''}" is not an epoch ms time`};

	let logSourceType = textOrNull(first(f, 'logsourcetypename', 'logsourcetypenamedevicetype', 'logsourcetype'));
	const deviceType = text(f.get('devicetype'));
	if (logSourceType === null && deviceType !== undefined && !/^\d+$/.test(deviceType.trim())) logSourceType = deviceType;
	const logonType = integer(first(f, 'logontype'));
	const dstIp = address(first(f, 'destinationip'));
	return {kind: 'logon', timeField: 'starttime', logon: {
		ts: time.ts,
		outcome: eventId === 4624 ? 'success' : 'failure',
		event_id: eventId,
		logon_type: logonType,
		src_ip: address(first(f, 'sourceip')),
		src_port: port(first(f, 'sourceport')),
		src_host: null,
		user: textOrNull(first(f, 'username')),
		domain: null,
		target: dstIp,
		dst_host: null,
		dst_ip: dstIp,
		service: serviceForLogonType(logonType),
		auth_package: null,
		log_source_type: logSourceType,
		raw_ref: line,
	}};
}

const NEEDED = ['starttime', 'sourceip'];

export const qradarFormat: Format = {
	name: 'qradar',
	sniff(head) {
		const start = head.trimStart();
		if (start.startsWith('{') || start.startsWith('[')) {
			return NEEDED.every(name => new RegExp(`"${name}"\\s*:`, 'i').test(head));
		}

		const header = csvHeader(start).map(key);
		return NEEDED.every(name => header.includes(name));
	},
	read(file) {
		const start = decodeHead(readHead(file, 4096)).trimStart();
		return start.startsWith('{') || start.startsWith('[') ? readJsonRecords(file) : readCsvObjects(file);
	},
	normalize: normalizeQradar,
};
