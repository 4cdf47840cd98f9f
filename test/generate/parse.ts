/**
 * Independent readers for the generated files, written from SPEC section 3 rather than from the
 * generator's writers, so the tests check the files against the formats and not against
 * themselves. Every line must match its shape exactly; anything unexpected throws with the line.
 */
import fs from 'node:fs';

/** One event as read back from a file. */
export interface ReadEvent {
	/** 1-based line (or record) number. */
	line: number;
	/** Epoch ms, UTC. */
	ts: number;
	/** Logon attempt (a reader loads it) or other event (a reader skips it). */
	logon: boolean;
	outcome?: 'success' | 'failure';
	logonType?: number;
	src?: string;
	user?: string;
	/** Host name, or address for QRadar. */
	target?: string;
	srcHost?: string;
	logSource?: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function fail(file: string, line: number, why: string): never {
	throw new Error(`${file}:${line}: ${why}`);
}

function isIpv4(text: unknown): boolean {
	const m = typeof text === 'string' ? IPV4.exec(text) : null;
	return m !== null && m.slice(1).every(n => Number(n) <= 255);
}

function lines(file: string): string[] {
	const text = fs.readFileSync(file, 'utf8');
	if (!text.endsWith('\n')) throw new Error(`${file}: does not end with a newline`);
	return text.slice(0, -1).split('\n');
}

function str(file: string, line: number, r: Record<string, unknown>, key: string): string {
	const v = r[key];
	if (typeof v !== 'string' || v === '') fail(file, line, `${key} is not a non-empty string: ${JSON.stringify(v)}`);
	return v;
}

/** Flat Windows Security NDJSON. */
export function readWindowsJson(file: string): ReadEvent[] {
	return lines(file).map((text, i) => {
		const line = i + 1;
		const r = JSON.parse(text) as Record<string, unknown>;
		const id = r['EventID'];
		if (![4624, 4625, 4634, 4672].includes(id as number)) fail(file, line, `unexpected EventID ${String(id)}`);
		const time = str(file, line, r, 'TimeCreated');
		if (!ISO_Z.test(time)) fail(file, line, `TimeCreated not ISO with Z: ${time}`);
		const ts = Date.parse(time);
		str(file, line, r, 'Computer');
		if (id === 4672) {
			str(file, line, r, 'SubjectUserName');
			return {line, ts, logon: false};
		}

		const user = str(file, line, r, 'TargetUserName');
		str(file, line, r, 'TargetDomainName');
		const type = str(file, line, r, 'LogonType');
		if (!/^\d+$/.test(type)) fail(file, line, `LogonType not digits: ${type}`);
		if (id === 4634) return {line, ts, logon: false};
		const ip = str(file, line, r, 'IpAddress');
		if (ip !== '-' && !isIpv4(ip)) fail(file, line, `IpAddress: ${ip}`);
		if (!/^(\d+|-)$/.test(str(file, line, r, 'IpPort'))) fail(file, line, 'IpPort');
		const srcHost = str(file, line, r, 'WorkstationName');
		if (!['Kerberos', 'NTLM', 'Negotiate'].includes(str(file, line, r, 'AuthenticationPackageName'))) fail(file, line, 'AuthenticationPackageName');
		return {
			line, ts, logon: true, outcome: id === 4624 ? 'success' : 'failure', logonType: Number(type),
			src: ip, user, target: r['Computer'] as string, srcHost,
		};
	});
}

/** CrowdStrike Falcon NDJSON. */
export function readFalcon(file: string): ReadEvent[] {
	return lines(file).map((text, i) => {
		const line = i + 1;
		const r = JSON.parse(text) as Record<string, unknown>;
		const name = str(file, line, r, 'event_simpleName');
		if (!['UserLogon', 'UserLogonFailed2', 'UserLogoff'].includes(name)) fail(file, line, `event_simpleName ${name}`);
		const stamp = str(file, line, r, 'ContextTimeStamp');
		if (!/^\d{10}\.\d{3}$/.test(stamp)) fail(file, line, `ContextTimeStamp ${stamp}`);
		const ts = Math.round(Number(stamp) * 1000);
		const target = str(file, line, r, 'ComputerName');
		const user = str(file, line, r, 'TargetUserName');
		str(file, line, r, 'LogonDomain');
		const type = str(file, line, r, 'LogonType');
		if (!/^\d+$/.test(type)) fail(file, line, `LogonType ${type}`);
		if (name === 'UserLogoff') return {line, ts, logon: false};
		const ip = r['RemoteAddressIP4'];
		if (ip !== undefined && !isIpv4(ip)) fail(file, line, `RemoteAddressIP4 ${String(ip)}`);
		return {
			line, ts, logon: true, outcome: name === 'UserLogon' ? 'success' : 'failure', logonType: Number(type),
			src: ip as string | undefined, user, target, srcHost: r['ClientComputerName'] as string | undefined,
		};
	});
}

const QRADAR_HEADER = 'starttime,sourceip,destinationip,username,eventid,LogonType,logsourcetypename';

function qradarEvent(file: string, line: number, r: Record<string, string | number>): ReadEvent {
	const ts = Number(r['starttime']);
	if (!Number.isInteger(ts) || ts < 1e12) fail(file, line, `starttime ${r['starttime']}`);
	for (const k of ['sourceip', 'destinationip']) if (!isIpv4(r[k])) fail(file, line, `${k} ${r[k]}`);
	const id = Number(r['eventid']);
	if (![4624, 4625, 4634, 4672].includes(id)) fail(file, line, `eventid ${r['eventid']}`);
	const user = String(r['username']);
	if (user === '') fail(file, line, 'empty username');
	const logSource = String(r['logsourcetypename']);
	if (!['Microsoft Windows Security Event Log', 'Linux OS'].includes(logSource)) fail(file, line, `logsourcetypename ${logSource}`);
	const type = String(r['LogonType']);
	if (id === 4672 ? type !== '' : !/^\d+$/.test(type)) fail(file, line, `LogonType ${type}`);
	const logon = id === 4624 || id === 4625;
	return {
		line, ts, logon, outcome: logon ? (id === 4624 ? 'success' : 'failure') : undefined, logonType: logon ? Number(type) : undefined,
		src: String(r['sourceip']), user, target: String(r['destinationip']), logSource,
	};
}

/** QRadar Ariel results as JSON: `{"events": [...]}` with exactly the AQL's columns. */
export function readQradarJson(file: string): ReadEvent[] {
	const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {events: Array<Record<string, string | number>>};
	if (!Array.isArray(doc.events) || Object.keys(doc).length !== 1) throw new Error(`${file}: not {"events": [...]}`);
	return doc.events.map((r, i) => {
		if (Object.keys(r).join(',') !== QRADAR_HEADER) fail(file, i + 1, `columns ${Object.keys(r).join(',')}`);
		if (typeof r['starttime'] !== 'number' || typeof r['eventid'] !== 'number') fail(file, i + 1, 'starttime/eventid not numbers');
		return qradarEvent(file, i + 1, r);
	});
}

/** Splits one CSV line (RFC 4180 quoting, no embedded line breaks). */
export function splitCsv(text: string): string[] {
	const cells: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i]!;
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') {
				quoted = false;
			} else {
				cell += ch;
			}
		} else if (ch === '"') {
			quoted = true;
		} else if (ch === ',') {
			cells.push(cell);
			cell = '';
		} else {
			cell += ch;
		}
	}

	cells.push(cell);
	return cells;
}

/** QRadar Ariel results as CSV with the header row. Line numbers count the header as line 1. */
export function readQradarCsv(file: string): ReadEvent[] {
	const [header, ...rows] = lines(file);
	if (header !== QRADAR_HEADER) throw new Error(`${file}: header ${header}`);
	const columns = QRADAR_HEADER.split(',');
	return rows.map((text, i) => {
		const cells = splitCsv(text);
		if (cells.length !== columns.length) fail(file, i + 2, `${cells.length} cells`);
		return qradarEvent(file, i + 2, Object.fromEntries(columns.map((c, j) => [c, cells[j]!])));
	});
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CLASSIC = /^([A-Z][a-z]{2}) ([ 1-3]\d) (\d{2}):(\d{2}):(\d{2}) (\S+) sshd\[(\d+)\]: (.+)$/;
const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})\+00:00 (\S+) sshd\[(\d+)\]: (.+)$/;
const LOGON = /^(Accepted (?:publickey|password)|Failed password) for (invalid user )?(\S+) from (\S+) port (\d+) ssh2(?:: RSA SHA256:[A-Za-z0-9+/]{43})?$/;
const OTHER = [
	/^Invalid user \S+ from \S+ port \d+$/,
	/^Connection closed by \S+ port \d+ \[preauth\]$/,
	/^pam_unix\(sshd:session\): session opened for user \S+ by \(uid=0\)$/,
	/^pam_unix\(sshd:session\): session closed for user \S+$/,
	/^Received disconnect from \S+ port \d+:11: disconnected by user$/,
];

/** sshd lines of a syslog auth.log; classic stamps are read in UTC in `year`. */
export function readAuthLog(file: string, year: number): ReadEvent[] {
	return lines(file).map((text, i) => {
		const line = i + 1;
		let ts: number;
		let host: string;
		let message: string;
		const c = CLASSIC.exec(text);
		const iso = c ? null : ISO.exec(text);
		if (c) {
			const month = MONTHS.indexOf(c[1]!);
			if (month < 0) fail(file, line, `month ${c[1]}`);
			ts = Date.UTC(year, month, Number(c[2]), Number(c[3]), Number(c[4]), Number(c[5]));
			host = c[6]!;
			message = c[8]!;
		} else if (iso) {
			ts = Date.parse(`${iso[1]}Z`);
			host = iso[3]!;
			message = iso[5]!;
		} else {
			fail(file, line, `not an sshd syslog line: ${text}`);
		}

		const m = LOGON.exec(message);
		if (m) {
			const ip = m[4]!;
			if (!isIpv4(ip)) fail(file, line, `source ${ip}`);
			return {line, ts, logon: true, outcome: m[1]!.startsWith('Accepted') ? 'success' : 'failure', logonType: 10, src: ip, user: m[3]!, target: host};
		}

		if (!OTHER.some(re => re.test(message))) fail(file, line, `unknown sshd message: ${message}`);
		return {line, ts, logon: false};
	});
}
