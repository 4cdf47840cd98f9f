/**
 * windows-json: Windows Security events as NDJSON or a JSON array, in three shapes (SPEC 3):
 * flat (`EventID`, `TargetUserName`, ...; NXLog and the Mordor datasets), Winlogbeat/ECS
 * (`winlog.event_id`, `winlog.event_data.*`) and EVTX-to-JSON (`Event.System`, `Event.EventData`).
 *
 * 4624 is a successful logon, 4625 a failed one. RDP evidence that survives a flooded Security log
 * counts too: TerminalServices-RemoteConnectionManager 1149 (service `rdp-1149`) and
 * LocalSessionManager 21/25 (service `rdp-lsm`) are successful type 10 logons, except LSM sessions
 * from Address `LOCAL` (console, not RDP). Every other event is skipped, not rejected; 4648, 4672
 * and 4776 with the reason they are not logons here.
 *
 * The native EVTX reader (./evtx/normalize.ts) makes the same choices through the helpers below
 * (`logonEventKind`, `notALogon`, `isConsoleSession`), so one event gives one record either way:
 * TargetUserName / TargetDomainName and 1149's Param1 / Param2 are kept as written (SPEC 2: "Keep
 * the original strings"); only LSM's combined `User` (`DOMAIN\user`) is split. In the EVTX-to-JSON
 * shape a null value is an empty element and reads as '' (present, empty), as the EVTX reader has it.
 */
import {isObject, readJsonRecords} from './json-records.ts';
import {account, address, instant, integer, port, serviceForLogonType, text, textOrNull} from './fields.ts';
import type {Format, Logon, Normalized, ReadOptions} from './types.ts';

type Obj = Record<string, unknown>;

/** The fields a normalizer needs, found in whichever shape the record has. */
export interface WindowsEvent {
	eventId: number | null;
	/** Channel or provider name, when the record says (used to tell TerminalServices events). */
	source: string;
	computer: string | null;
	/** Candidate time fields, most trusted first: [field name, value, always UTC]. */
	times: Array<[string, unknown, boolean]>;
	data: Obj;
	/** Free text of the event (NXLog `Message`), where TerminalServices events keep their fields. */
	message: string | null;
}

/** Why a Security event that is about logons is still not one logon record (shared with the EVTX reader). */
export function notALogon(id: number | null): string | undefined {
	switch (id) {
		case 4648: return 'event 4648 (explicit credentials): logged on the source host, an attempt without outcome';
		case 4672: return 'event 4672 (special privileges): accompanies a 4624, no source';
		case 4776: return 'event 4776 (NTLM credential validation): logged by the validating host (a DC or the local SAM), not the host logged on to; the target\'s 4624/4625 is the logon';
		default: return undefined;
	}
}

/**
 * Which logon an event id from a source (channel and/or provider name) stands for: a Security
 * logon (4624/4625), RDP authentication (RemoteConnectionManager 1149), an RDP session
 * (LocalSessionManager 21 logon / 25 reconnection), or none.
 */
export function logonEventKind(id: number | null, source: string): 'security' | 'rcm' | 'lsm' | undefined {
	if (id === 4624 || id === 4625) return 'security';
	if (id === 1149 && /RemoteConnectionManager/i.test(source)) return 'rcm';
	if ((id === 21 || id === 25) && /LocalSessionManager/i.test(source)) return 'lsm';
	return undefined;
}

/** An LSM session from Address `LOCAL` is a console logon, not RDP. */
export function isConsoleSession(address: string | null): boolean {
	return address?.trim().toUpperCase() === 'LOCAL';
}

function child(o: Obj, key: string): Obj | undefined {
	const v = o[key];
	return isObject(v) ? v : undefined;
}

/** `{"#text": "4624"}`, `{"Value": 4624}` or a plain value. */
function scalar(v: unknown): unknown {
	if (isObject(v)) return v['#text'] ?? v['Value'] ?? v['value'] ?? v['text'];
	return v;
}

/** A time that may be wrapped: `{"SystemTime": ...}` or `{"#attributes": {"SystemTime": ...}}`. */
function timeValue(v: unknown): unknown {
	if (!isObject(v)) return v;
	return v['SystemTime'] ?? v['@SystemTime'] ?? child(v, '#attributes')?.['SystemTime'] ?? scalar(v);
}

/**
 * EventData as a flat name -> value object, from either `{"Name": value}` or the XML-ish
 * `{"Data": [{"@Name": "...", "#text": "..."}]}` form.
 */
function flatData(o: Obj | undefined): Obj {
	if (!o) return {};
	const data = o['Data'];
	if (Array.isArray(data)) {
		const out: Obj = {...o};
		delete out['Data'];
		for (const item of data) {
			if (!isObject(item)) continue;
			const attributes = child(item, '#attributes');
			const name = text(item['@Name'] ?? item['Name'] ?? attributes?.['Name']);
			if (name !== undefined) out[name] = item['#text'] ?? item['text'] ?? item['Value'] ?? null;
		}

		return out;
	}

	return o;
}

/** An element's value in decoded XML: null (empty element) is '', `{#text}` its text, attributes alone ''. */
function elementValue(v: unknown): unknown {
	if (v === null) return '';
	if (isObject(v)) return v['#text'] ?? '';
	return v;
}

function elementValues(o: Obj): Obj {
	const out: Obj = {};
	for (const [k, v] of Object.entries(o)) out[k] = elementValue(v);
	return out;
}

/** Pulls the common fields out of one record of any of the three shapes; undefined if none fits. */
export function windowsEvent(record: Obj): WindowsEvent | undefined {
	const evtx = child(record, 'Event');
	const system = evtx ? child(evtx, 'System') : undefined;
	if (evtx && system) {
		const provider = child(system, 'Provider');
		const userData = child(evtx, 'UserData');
		const eventXml = userData ? Object.values(userData).find(isObject) : undefined;
		return {
			eventId: integer(scalar(system['EventID'])),
			source: `${text(system['Channel']) ?? ''} ${text(child(provider ?? {}, '#attributes')?.['Name'] ?? provider?.['Name']) ?? ''}`,
			computer: textOrNull(elementValue(system['Computer'])),
			times: [
				['Event.System.TimeCreated.SystemTime', timeValue(system['TimeCreated']), true],
			],
			data: elementValues({...flatData(child(evtx, 'EventData')), ...(eventXml ?? {})}),
			message: null,
		};
	}

	const winlog = child(record, 'winlog');
	if (winlog && (winlog['event_id'] !== undefined || child(winlog, 'event_data'))) {
		const event = child(record, 'event');
		const host = child(record, 'host');
		return {
			eventId: integer(winlog['event_id'] ?? event?.['code']),
			source: `${text(winlog['channel']) ?? ''} ${text(winlog['provider_name']) ?? ''}`,
			computer: textOrNull(winlog['computer_name'] ?? host?.['name'] ?? host?.['hostname']),
			times: [['@timestamp', record['@timestamp'], false], ['event.created', event?.['created'], false]],
			data: {...flatData(child(winlog, 'event_data')), ...(child(winlog, 'user_data') ?? {})},
			message: textOrNull(record['message']),
		};
	}

	const eventId = integer(record['EventID'] ?? record['EventId'] ?? record['event_id']);
	if (eventId === null) return undefined;
	const eventData = child(record, 'EventData');
	return {
		eventId,
		source: `${text(record['Channel']) ?? ''} ${text(record['SourceName']) ?? text(record['ProviderName']) ?? text(record['Provider']) ?? ''}`,
		// Mordor/NXLog: `Hostname` is the logging host; `host` is the collector, never the target.
		computer: textOrNull(record['Computer'] ?? record['Hostname'] ?? record['ComputerName'] ?? record['computer_name'] ?? record['MachineName']),
		times: [
			['TimeCreated', timeValue(record['TimeCreated']), false],
			['@timestamp', record['@timestamp'], false],
			['EventTime', record['EventTime'], false],
			['TimeGenerated', record['TimeGenerated'], false],
			['UtcTime', record['UtcTime'], true],
		],
		data: eventData ? {...record, ...flatData(eventData)} : record,
		message: textOrNull(record['Message']),
	};
}

/**
 * The record's time: the first field that carries its own zone wins; failing that, the first
 * zone-less one, read in `tz` (or as UTC where the field is UTC by definition).
 */
function pickTime(times: WindowsEvent['times'], tz: string): {ts: number; field: string} | undefined {
	let fallback: {ts: number; field: string} | undefined;
	for (const [field, value, utc] of times) {
		if (value === undefined || value === null || value === '') continue;
		const parsed = instant(value, utc ? 'UTC' : tz);
		if (!parsed) continue;
		if (parsed.zoned || utc) return {ts: parsed.ts, field};
		fallback ??= {ts: parsed.ts, field: `${field} (no zone, read as ${tz})`};
	}

	return fallback;
}

/** `Name: value` lines of an event message (TerminalServices events in NXLog exports). */
function messageField(message: string | null, name: string): string | null {
	if (!message) return null;
	const m = new RegExp(`(?:^|[\\r\\n])\\s*${name}:[ \\t]*([^\\r\\n]*)`, 'i').exec(message);
	return m ? m[1]!.trim() : null;
}

/** A logon with every field not given set to null (shared with the EVTX reader). */
export function logon(partial: Partial<Logon> & Pick<Logon, 'ts' | 'outcome' | 'raw_ref'>): Logon {
	return {
		event_id: null, logon_type: null, src_ip: null, src_port: null, src_host: null, user: null, domain: null,
		target: null, dst_host: null, dst_ip: null, service: null, auth_package: null, log_source_type: null,
		...partial,
	};
}

/**
 * The logon RDP evidence stands for (shared with the EVTX reader): a successful type 10 logon on
 * `computer`, its service saying which log it came from (rdp-1149 or rdp-lsm).
 */
export function rdpLogon(at: {ts: number; id: number | null; rcm: boolean; source: string | null; who: {user: string | null; domain: string | null}; computer: string | null; line: number}): Logon {
	return logon({
		ts: at.ts,
		outcome: 'success',
		event_id: at.id,
		logon_type: 10,
		src_ip: address(at.source),
		user: at.who.user,
		domain: at.who.domain,
		target: at.computer,
		dst_host: at.computer,
		service: at.rcm ? 'rdp-1149' : 'rdp-lsm',
		raw_ref: at.line,
	});
}

/** Normalizes one already-extracted Windows event (shared with the EVTX reader). */
export function normalizeWindowsEvent(event: WindowsEvent, line: number, tz: string): Normalized {
	const id = event.eventId;
	const kind = logonEventKind(id, event.source);
	if (!kind) return {kind: 'skip', reason: notALogon(id) ?? `event ${id ?? 'without an id'}`};

	const time = pickTime(event.times, tz);
	if (!time) return {kind: 'reject', reason: `event ${id} has no usable time`};
	const d = event.data;
	const computer = event.computer;

	if (kind === 'security') {
		const logonType = integer(d['LogonType']);
		return {kind: 'logon', timeField: time.field, logon: logon({
			ts: time.ts,
			outcome: id === 4624 ? 'success' : 'failure',
			event_id: id,
			logon_type: logonType,
			src_ip: address(d['IpAddress']),
			src_port: port(d['IpPort']),
			src_host: textOrNull(d['WorkstationName']),
			user: textOrNull(d['TargetUserName']),
			domain: textOrNull(d['TargetDomainName']),
			target: computer,
			dst_host: computer,
			service: serviceForLogonType(logonType),
			auth_package: textOrNull(d['AuthenticationPackageName']),
			raw_ref: line,
		})};
	}

	// RDP evidence: 1149 has Param1 user, Param2 domain, Param3 address (kept as written); LSM
	// 21/25 have User (DOMAIN\user, split) and Address. NXLog keeps them only in the message text.
	let who: {user: string | null; domain: string | null};
	let source: string | null;
	if (kind === 'rcm') {
		who = {user: textOrNull(d['Param1']) ?? messageField(event.message, 'User'), domain: textOrNull(d['Param2']) ?? messageField(event.message, 'Domain')};
		source = textOrNull(d['Param3']) ?? messageField(event.message, 'Source Network Address');
	} else {
		source = textOrNull(d['Address']) ?? messageField(event.message, 'Source Network Address');
		if (isConsoleSession(source)) return {kind: 'skip', reason: `event ${id} (${event.source.trim()}): console session (Address LOCAL), not RDP`};
		who = account(textOrNull(d['User']) ?? messageField(event.message, 'User'), null);
	}

	return {kind: 'logon', timeField: time.field, logon: rdpLogon({ts: time.ts, id, rcm: kind === 'rcm', source, who, computer, line})};
}

/** Pure: one parsed JSON record to a logon, a skip or a reject. */
export function normalizeWindowsJson(raw: unknown, line: number, options: Pick<ReadOptions, 'tz'>): Normalized {
	if (!isObject(raw)) return {kind: 'reject', reason: 'not a JSON object'};
	const event = windowsEvent(raw);
	if (!event) return {kind: 'reject', reason: 'no event id (EventID, winlog.event_id or Event.System.EventID)'};
	return normalizeWindowsEvent(event, line, options.tz);
}

export const windowsJsonFormat: Format = {
	name: 'windows-json',
	sniff(head) {
		const start = head.trimStart();
		if (!start.startsWith('{') && !start.startsWith('[')) return false;
		return /"(EventID|EventId|event_id)"\s*:|"winlog"\s*:\s*\{|"System"\s*:\s*\{/.test(head);
	},
	read: file => readJsonRecords(file),
	normalize: normalizeWindowsJson,
};
