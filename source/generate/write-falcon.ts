/**
 * CrowdStrike Falcon (FDR) NDJSON: UserLogon, UserLogonFailed2 and UserLogoff events with the
 * fields the LogScale seed reads. Values are strings as FDR writes them; ContextTimeStamp is
 * epoch seconds with a three-digit fraction. Falcon has no 4672 equivalent, so none is written.
 */
import path from 'node:path';
import type {Host} from './enterprise.ts';
import type {WinEvent} from './events.ts';
import {Random} from './random.ts';
import {TextSink} from './sink.ts';
import {FAILURE_STATUS, type WindowsWriter} from './writer.ts';

export const FALCON_FILE = 'falcon.ndjson';

/** `1730512800.123`: epoch seconds with milliseconds, as a string. */
export function contextTimeStamp(ts: number): string {
	return `${Math.floor(ts / 1000)}.${String(ts % 1000).padStart(3, '0')}`;
}

const aids = new Map<string, string>();

/** The sensor id of a host: stable per host name, like a real agent id. */
function aidOf(host: Host): string {
	let aid = aids.get(host.name);
	if (!aid) {
		aid = new Random(0, 'aid', host.name).hex(32);
		aids.set(host.name, aid);
	}

	return aid;
}

const NAMES = {4624: ['UserLogon', 'UserLogonV8'], 4625: ['UserLogonFailed2', 'UserLogonFailed2V2'], 4634: ['UserLogoff', 'UserLogoffV3']} as const;

/** The JSON object of one event, or undefined when Falcon has no such event (4672). */
export function falconRecord(ev: WinEvent): Record<string, string> | undefined {
	if (ev.id === 4672) return undefined;
	const [simple, name] = NAMES[ev.id];
	const record: Record<string, string> = {
		event_simpleName: simple,
		name,
		event_platform: 'Win',
		aid: aidOf(ev.target),
		ComputerName: ev.target.name,
		ContextTimeStamp: contextTimeStamp(ev.ts),
		LogonType: String(ev.logonType),
		TargetUserName: ev.user,
		LogonDomain: ev.domain,
	};
	if (ev.id === 4634) return record;
	// The sensor reports no remote address for logons at the console.
	if (ev.srcIp !== '-' && ev.srcIp !== '127.0.0.1') record['RemoteAddressIP4'] = ev.srcIp;
	if (ev.srcHost !== '-') record['ClientComputerName'] = ev.srcHost;
	record['AuthenticationPackage'] = ev.auth;
	if (ev.id === 4625) {
		const code = FAILURE_STATUS[ev.failure ?? 'bad-password'];
		record['Status'] = String(code.status);
		record['SubStatus'] = String(code.sub);
	}

	return record;
}

export function falconWriter(dir: string): WindowsWriter {
	const sink = new TextSink(path.join(dir, FALCON_FILE));
	let records = 0;
	let skipped = 0;
	return {
		write(ev) {
			if (ev.logSource) return;
			const record = falconRecord(ev);
			if (!record) return;
			sink.write(`${JSON.stringify(record)}\n`);
			if (ev.id === 4624 || ev.id === 4625) records++;
			else skipped++;
		},
		close() {
			sink.close();
			return {file: FALCON_FILE, format: 'falcon', records, skipped};
		},
	};
}
