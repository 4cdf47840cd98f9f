/**
 * windows-json: Windows Security events as NDJSON or a JSON array, in three shapes (SPEC 3):
 * flat (`EventID`, `TargetUserName`, ...; NXLog and the Mordor datasets), Winlogbeat/ECS
 * (`winlog.event_id`, `winlog.event_data.*`) and EVTX-to-JSON (`Event.System`, `Event.EventData`).
 *
 * 4624 is a successful logon, 4625 a failed one. RDP evidence that survives a flooded Security log
 * counts too: TerminalServices-RemoteConnectionManager 1149 (service `rdp-1149`) and
 * LocalSessionManager 21/25 (service `rdp-lsm`) are successful type 10 logons. Every other event
 * is skipped, not rejected.
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
			computer: textOrNull(scalar(system['Computer'])),
			times: [
				['Event.System.TimeCreated.SystemTime', timeValue(system['TimeCreated']), true],
			],
			data: {...flatData(child(evtx, 'EventData')), ...(eventXml ?? {})},
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

function logon(partial: Partial<Logon> & Pick<Logon, 'ts' | 'outcome' | 'raw_ref'>): Logon {
	return {
		event_id: null, logon_type: null, src_ip: null, src_port: null, src_host: null, user: null, domain: null,
		target: null, dst_host: null, dst_ip: null, service: null, auth_package: null, log_source_type: null,
		...partial,
	};
}

/** Normalizes one already-extracted Windows event (shared with the EVTX reader). */
export function normalizeWindowsEvent(event: WindowsEvent, line: number, tz: string): Normalized {
	const id = event.eventId;
	const terminalServices = /TerminalServices/i.test(event.source);
	const isLogon = id === 4624 || id === 4625;
	const isRdp = terminalServices && (id === 1149 || id === 21 || id === 25);
	if (!isLogon && !isRdp) return {kind: 'skip', reason: `event ${id ?? 'without an id'}`};

	const time = pickTime(event.times, tz);
	if (!time) return {kind: 'reject', reason: `event ${id} has no usable time`};
	const d = event.data;
	const computer = event.computer;

	if (isLogon) {
		const logonType = integer(d['LogonType']);
		const who = account(textOrNull(d['TargetUserName']), textOrNull(d['TargetDomainName']));
		return {kind: 'logon', timeField: time.field, logon: logon({
			ts: time.ts,
			outcome: id === 4624 ? 'success' : 'failure',
			event_id: id,
			logon_type: logonType,
			src_ip: address(d['IpAddress']),
			src_port: port(d['IpPort']),
			src_host: textOrNull(d['WorkstationName']),
			user: who.user,
			domain: who.domain,
			target: computer,
			dst_host: computer,
			service: serviceForLogonType(logonType),
			auth_package: textOrNull(d['AuthenticationPackageName']),
			raw_ref: line,
		})};
	}

	// RDP evidence: 1149 has Param1 user, Param2 domain, Param3 address; LSM 21/25 have
	// User (DOMAIN\user) and Address. NXLog keeps them only in the message text.
	const name = textOrNull(d['Param1'] ?? d['User']) ?? messageField(event.message, 'User');
	const domain = textOrNull(d['Param2']) ?? messageField(event.message, 'Domain');
	const source = d['Param3'] ?? d['Address'] ?? messageField(event.message, 'Source Network Address');
	const who = account(name, domain);
	return {kind: 'logon', timeField: time.field, logon: logon({
		ts: time.ts,
		outcome: 'success',
		event_id: id,
		logon_type: 10,
		src_ip: address(source),
		user: who.user,
		domain: who.domain,
		target: computer,
		dst_host: computer,
		service: id === 1149 ? 'rdp-1149' : 'rdp-lsm',
		raw_ref: line,
	})};
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
