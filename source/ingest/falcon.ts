/**
 * falcon: CrowdStrike Falcon NDJSON (FDR or LogScale export). `UserLogon` is a successful logon
 * (as a 4624), `UserLogonFailed2` a failed one (as a 4625): the two event types the LogScale seed
 * reads. Other event types are skipped.
 *
 * Fields: `LogonType`, `RemoteAddressIP4` (source), `TargetUserName` or `UserName`, `LogonDomain`,
 * `ComputerName` (the host logged on to; raw FDR has only `aid`, the sensor's id, taken as the
 * target then), `ClientComputerName` (source host name), and the time
 * from `ContextTimeStamp` (epoch seconds with fraction, or ms: below 1e11 is seconds), else
 * `timestamp` (epoch ms, the cloud's receive time).
 */
import {isObject, readJsonRecords} from './json-records.ts';
import {address, instant, integer, serviceForLogonType, text, textOrNull} from './fields.ts';
import type {Format, Normalized, ReadOptions} from './types.ts';

const OUTCOME: Record<string, {outcome: 'success' | 'failure'; eventId: number}> = {
	UserLogon: {outcome: 'success', eventId: 4624},
	UserLogonFailed2: {outcome: 'failure', eventId: 4625},
};

/** The event type: `event_simpleName`, else `name` without its version suffix (`UserLogonV8`). */
function eventType(record: Record<string, unknown>): string | undefined {
	const simple = text(record['event_simpleName'] ?? record['#event_simpleName']);
	if (simple !== undefined) return simple;
	const name = text(record['name']);
	return name?.replace(/V\d+$/, '');
}

export function normalizeFalcon(raw: unknown, line: number, options: Pick<ReadOptions, 'tz'>): Normalized {
	if (!isObject(raw)) return {kind: 'reject', reason: 'not a JSON object'};
	const type = eventType(raw);
	const kind = type === undefined ? undefined : OUTCOME[type];
	if (!kind) return {kind: 'skip', reason: `event ${type ?? 'without event_simpleName'}`};

	let time: {ts: number; field: string} | undefined;
	for (const field of ['ContextTimeStamp', 'timestamp', 'LogonTime']) {
		const parsed = raw[field] === undefined || raw[field] === '' ? undefined : instant(raw[field], options.tz);
		if (parsed) {
			time = {ts: parsed.ts, field};
			break;
		}
	}

	if (!time) return {kind: 'reject', reason: `${type} has no usable time (ContextTimeStamp or timestamp)`};
	const logonType = integer(raw['LogonType']);
	// The name as Falcon wrote it (SPEC 2: keep the original strings): the LogScale seed groups and
	// filters on the raw TargetUserName, so `CORP\alice` and `alice` stay two users, as there.
	const who = {user: textOrNull(raw['TargetUserName'] ?? raw['UserName']), domain: textOrNull(raw['LogonDomain'] ?? raw['TargetDomainName'])};
	const computer = textOrNull(raw['ComputerName']);
	// Raw FDR carries no ComputerName: its host is the sensor's id, aid (the name is only in
	// aidmaster). As the target, an id still tells hosts apart, so host counts hold; with neither,
	// the seeds would count no host at all.
	const target = computer ?? textOrNull(raw['aid']);
	return {kind: 'logon', timeField: time.field, logon: {
		ts: time.ts,
		outcome: kind.outcome,
		event_id: kind.eventId,
		logon_type: logonType,
		src_ip: address(raw['RemoteAddressIP4'] ?? raw['RemoteAddressIP6']),
		src_port: null,
		src_host: textOrNull(raw['ClientComputerName']),
		user: who.user,
		domain: who.domain,
		target,
		dst_host: computer,
		dst_ip: null,
		service: serviceForLogonType(logonType),
		auth_package: textOrNull(raw['AuthenticationPackage']),
		log_source_type: null,
		raw_ref: line,
	}};
}

export const falconFormat: Format = {
	name: 'falcon',
	sniff(head) {
		const start = head.trimStart();
		if (!start.startsWith('{') && !start.startsWith('[')) return false;
		return /"#?event_simpleName"\s*:/.test(head) || (/"aid"\s*:/.test(head) && /"ContextTimeStamp"\s*:/.test(head));
	},
	read: file => readJsonRecords(file),
	normalize: normalizeFalcon,
};
