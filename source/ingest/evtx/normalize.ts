/**
 * Pure: one decoded EVTX event (the JSON shape of ./event.ts) to a normalized logon.
 *
 * What is read, by event:
 * - Security 4624 (success) / 4625 (failure): time = System/TimeCreated/@SystemTime (UTC);
 *   logon_type = LogonType; src_ip = IpAddress (IPv4-mapped IPv6 reduced; `-` kept);
 *   src_port = IpPort; src_host = WorkstationName; user = TargetUserName and domain =
 *   TargetDomainName, verbatim; dst_host = target = System/Computer; auth_package =
 *   AuthenticationPackageName; service from the logon type (fields.ts: 2 interactive, 3 network,
 *   4 batch, 5 service, 7 unlock, 8 network-cleartext, 9 new-credentials, 10 rdp,
 *   11 cached-interactive).
 * - Security 4776 (NTLM credential validation) is skipped: it is logged by the validating host (a
 *   DC or the local SAM), not the host logged on to, so it has no `target` (SPEC 2: "the identity
 *   of the host logged on to"); the target's 4624/4625 is the logon. windows-json skips it too.
 * - Security 4648 (explicit credentials) is skipped: it is logged on the source host and records
 *   an attempt, not its outcome; the target's 4624/4625 is the logon.
 * - Security 4672 (special privileges) is skipped: it accompanies a 4624 with the same logon id
 *   and carries no source.
 * - TerminalServices-RemoteConnectionManager 1149 (RDP authentication succeeded): a successful
 *   type 10 logon, service `rdp-1149`; user Param1, domain Param2 (as written), src_ip Param3.
 * - TerminalServices-LocalSessionManager 21 (session logon) / 25 (reconnection): a successful
 *   type 10 logon, service `rdp-lsm`; user and domain from User (`DOMAIN\user`), src_ip Address.
 *   Address `LOCAL` is a console session, not RDP: skipped.
 * Every other event is skipped (counted, not rejected). Empty elements are '' and missing ones
 * null, so '-', '' and missing stay distinct (SPEC 2). Which events are logons, why 4648/4672/4776
 * are not, and the LOCAL console rule come from ../windows-json.ts, so both readers give the same
 * record for the same event (test/ingest/evtx-windows-json.test.ts checks it on real samples).
 */
import {account, address, integer, port, serviceForLogonType} from '../fields.ts';
import {isConsoleSession, logon, logonEventKind, notALogon, rdpLogon} from '../windows-json.ts';
import type {Logon, Normalized, ReadOptions} from '../types.ts';
import {parseTimestamp} from '../../util/time.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An element's text: a plain string, `#text` beside attributes, '' for an empty element. */
function textOf(v: unknown): string | null {
	if (v === undefined) return null;
	if (v === null) return '';
	if (typeof v === 'string') return v;
	if (isObj(v)) return typeof v['#text'] === 'string' ? v['#text'] : '';
	return null;
}

/** A field of EventData / UserData: null when missing, '' when present but empty. */
const field = (data: Obj, key: string): string | null => (Object.hasOwn(data, key) ? textOf(data[key]) : null);

function attribute(v: unknown, name: string): string | null {
	if (!isObj(v) || !isObj(v['#attributes'])) return null;
	const a = v['#attributes'][name];
	return typeof a === 'string' ? a : null;
}

const SECURITY_PROVIDER = 'Microsoft-Windows-Security-Auditing';

/**
 * What a Security or TerminalServices event is read for, bar UserData: the elements of System
 * read as text, the attributes of System's elements, the EventData fields. ./logon-fields.ts
 * reads just these straight from an event's template instance; the types below keep this module
 * reading nothing else of System and EventData.
 */
export const SYSTEM_TEXT = ['EventID', 'Channel', 'Computer'] as const;
export const SYSTEM_ATTRIBUTES = [['Provider', 'Name'], ['TimeCreated', 'SystemTime']] as const;
export const EVENT_DATA = ['LogonType', 'IpAddress', 'IpPort', 'WorkstationName', 'TargetUserName', 'TargetDomainName', 'AuthenticationPackageName'] as const;

const systemText = (system: Obj, key: (typeof SYSTEM_TEXT)[number]) => textOf(system[key]);
const systemAttribute = (system: Obj, [element, name]: (typeof SYSTEM_ATTRIBUTES)[number]) => attribute(system[element], name);
const eventData = (data: Obj, key: (typeof EVENT_DATA)[number]) => field(data, key);

/** Normalizes one decoded EVTX event; `line` is its record number. Pure. */
export function normalizeEvtx(raw: unknown, line: number, _options?: Pick<ReadOptions, 'tz'>): Normalized {
	const event = isObj(raw) ? raw['Event'] : undefined;
	if (!isObj(event) || !isObj(event['System'])) return {kind: 'reject', reason: 'not a decoded EVTX event (no Event/System)'};
	const system = event['System'];
	const id = integer(systemText(system, 'EventID'));
	if (id === null) return {kind: 'reject', reason: 'event without a numeric System/EventID'};
	const provider = systemAttribute(system, SYSTEM_ATTRIBUTES[0]) ?? '';
	const channel = systemText(system, 'Channel') ?? '';
	const security = provider === SECURITY_PROVIDER || channel.toLowerCase() === 'security';
	const kind = logonEventKind(id, `${provider} ${channel}`);
	const rcm = kind === 'rcm';
	const from = provider || channel || 'unknown provider';

	const notLogon = security ? notALogon(id) : undefined;
	if (notLogon) return {kind: 'skip', reason: notLogon};
	if (!kind || (kind === 'security' && !security)) return {kind: 'skip', reason: `event ${id} (${from})`};

	const systemTime = systemAttribute(system, SYSTEM_ATTRIBUTES[1]);
	const time = systemTime === null ? undefined : parseTimestamp(systemTime, 'UTC');
	if (!time) return {kind: 'reject', reason: `event ${id}: no usable System/TimeCreated/@SystemTime${systemTime === null ? '' : ` (${JSON.stringify(systemTime)})`}`};
	const ts = time.ts;
	const computer = systemText(system, 'Computer');
	const timeField = 'System.TimeCreated.SystemTime';

	if (kind === 'security') {
		const data = isObj(event['EventData']) ? event['EventData'] : {};
		const logonType = integer(eventData(data, 'LogonType'));
		return {kind: 'logon', timeField, logon: logon({
			ts,
			outcome: id === 4624 ? 'success' : 'failure',
			event_id: id,
			logon_type: logonType,
			src_ip: address(eventData(data, 'IpAddress')),
			src_port: port(eventData(data, 'IpPort')),
			src_host: eventData(data, 'WorkstationName'),
			user: eventData(data, 'TargetUserName'),
			domain: eventData(data, 'TargetDomainName'),
			target: computer,
			dst_host: computer,
			service: serviceForLogonType(logonType),
			auth_package: eventData(data, 'AuthenticationPackageName'),
			raw_ref: line,
		})};
	}

	const user = isObj(event['UserData']) ? event['UserData'] : {};
	const xml = Object.values(user).find(isObj) ?? {};
	let who: {user: string | null; domain: string | null};
	let source: string | null;
	if (rcm) {
		who = {user: field(xml, 'Param1'), domain: field(xml, 'Param2')};
		source = field(xml, 'Param3');
	} else {
		source = field(xml, 'Address');
		if (isConsoleSession(source)) return {kind: 'skip', reason: `event ${id} (${from}): console session (Address LOCAL), not RDP`};
		who = account(field(xml, 'User'), null);
	}

	return {kind: 'logon', timeField, logon: rdpLogon({ts, id, rcm, source, who, computer, line})};
}
