/**
 * Windows Security events as flat NDJSON, the shape NXLog and many SIEM exports give: EventID
 * a number, EventData fields as strings (LogonType "3", IpPort "51234" or "-"), TimeCreated
 * ISO 8601 in UTC. Logoffs (4634) and special privileges (4672) come along as readers expect.
 */
import path from 'node:path';
import type {WinEvent} from './events.ts';
import {TextSink} from './sink.ts';
import {FAILURE_STATUS, hexStatus, type WindowsWriter} from './writer.ts';

/** File name the Windows side gets in this format. */
export const WINDOWS_JSON_FILE = 'windows-security.ndjson';

const PRIVILEGES = 'SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege\n\t\t\tSeDebugPrivilege';

const q = (text: string) => JSON.stringify(text);

/**
 * The NDJSON line of one event (no newline). Built as text rather than through an object and
 * JSON.stringify: it is the hot path of a large run, and every string still goes through
 * JSON.stringify so the escaping is exact.
 */
export function windowsJsonLine(ev: WinEvent): string {
	const head = `{"EventID":${ev.id},"TimeCreated":"${new Date(ev.ts).toISOString()}","Computer":${q(ev.target.name)}`;
	if (ev.id === 4672) return `${head},"SubjectUserName":${q(ev.user)},"SubjectDomainName":${q(ev.domain)},"PrivilegeList":${q(PRIVILEGES)}}`;
	const who = `,"TargetUserName":${q(ev.user)},"TargetDomainName":${q(ev.domain)},"LogonType":"${ev.logonType}"`;
	if (ev.id === 4634) return `${head}${who}}`;
	const from = `,"IpAddress":${q(ev.srcIp)},"IpPort":${q(ev.srcPort)},"WorkstationName":${q(ev.srcHost)},"AuthenticationPackageName":${q(ev.auth)}`;
	if (ev.id === 4624) return `${head}${who}${from}}`;
	const code = FAILURE_STATUS[ev.failure ?? 'bad-password'];
	return `${head}${who}${from},"Status":"${hexStatus(code.status)}","SubStatus":"${hexStatus(code.sub)}"}`;
}

export function windowsJsonWriter(dir: string): WindowsWriter {
	const sink = new TextSink(path.join(dir, WINDOWS_JSON_FILE));
	let records = 0;
	let skipped = 0;
	return {
		write(ev) {
			// Other log sources only exist in QRadar exports.
			if (ev.logSource) return;
			sink.write(`${windowsJsonLine(ev)}\n`);
			if (ev.id === 4624 || ev.id === 4625) records++;
			else skipped++;
		},
		close() {
			sink.close();
			return {file: WINDOWS_JSON_FILE, format: 'windows-json', records, skipped};
		},
	};
}
