/**
 * The Linux side as one syslog auth.log holding several hosts (as a central syslog server
 * keeps it): classic `Mmm dd HH:MM:SS host sshd[pid]: message` lines in UTC. Classic stamps
 * carry no year, so when the period spans a new year (in UTC) the file uses rsyslog's
 * high-precision ISO stamps instead, which readers take as they are.
 */
import path from 'node:path';
import {isSshLogon, type SshEvent} from './events.ts';
import {Random} from './random.ts';
import {TextSink} from './sink.ts';
import type {LinuxWriter} from './writer.ts';

export const AUTH_LOG_FILE = 'auth.log';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `Nov  2 08:13:22`: the classic syslog stamp of epoch ms `ts` in UTC. */
export function classicStamp(ts: number): string {
	const d = new Date(ts);
	return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `2026-12-31T23:59:59.000000+00:00`: rsyslog's high-precision stamp in UTC. */
export function isoStamp(ts: number): string {
	return `${new Date(ts).toISOString().slice(0, 19)}.${String(ts % 1000).padStart(3, '0')}000+00:00`;
}

const keys = new Map<string, string>();

/** A stable SSH key fingerprint per user, for the `Accepted publickey` suffix. */
function fingerprint(user: string): string {
	let fp = keys.get(user);
	if (!fp) {
		const rng = new Random(0, 'ssh-key', user);
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
		fp = '';
		for (let i = 0; i < 43; i++) fp += alphabet[rng.int(0, 63)];
		keys.set(user, fp);
	}

	return fp;
}

/** The message part of one sshd line. */
export function sshMessage(ev: SshEvent): string {
	const from = `from ${ev.ip} port ${ev.port}`;
	switch (ev.kind) {
		case 'accepted-publickey': return `Accepted publickey for ${ev.user} ${from} ssh2: RSA SHA256:${fingerprint(ev.user)}`;
		case 'accepted-password': return `Accepted password for ${ev.user} ${from} ssh2`;
		case 'failed-password': return `Failed password for ${ev.user} ${from} ssh2`;
		case 'failed-invalid': return `Failed password for invalid user ${ev.user} ${from} ssh2`;
		case 'invalid-user': return `Invalid user ${ev.user} ${from}`;
		case 'closed-preauth': return `Connection closed by ${ev.ip} port ${ev.port} [preauth]`;
		case 'session-opened': return `pam_unix(sshd:session): session opened for user ${ev.user} by (uid=0)`;
		case 'session-closed': return `pam_unix(sshd:session): session closed for user ${ev.user}`;
		case 'disconnect': return `Received disconnect from ${ev.ip} port ${ev.port}:11: disconnected by user`;
	}
}

/** Writes auth.log; `iso` picks the ISO stamps (for periods that cross a year boundary in UTC). */
export function authLogWriter(dir: string, iso: boolean): LinuxWriter {
	const sink = new TextSink(path.join(dir, AUTH_LOG_FILE));
	const stamp = iso ? isoStamp : classicStamp;
	let records = 0;
	let skipped = 0;
	return {
		write(ev) {
			sink.write(`${stamp(ev.ts)} ${ev.host.name} sshd[${ev.pid}]: ${sshMessage(ev)}\n`);
			if (isSshLogon(ev.kind)) records++;
			else skipped++;
		},
		close() {
			sink.close();
			return {file: AUTH_LOG_FILE, format: 'sshd', records, skipped};
		},
	};
}
