/**
 * Format-neutral events the generator produces; the writers turn them into each format's shape.
 * Keeping one event model means the same seed plants the same attacks whatever the format.
 */
import type {Host} from './enterprise.ts';
import type {Random} from './random.ts';

/** Windows Security event ids the generator writes: logon, failed logon, logoff, special privileges. */
export type WinEventId = 4624 | 4625 | 4634 | 4672;

export interface WinEvent {
	os: 'win';
	/** Epoch ms, UTC. */
	ts: number;
	id: WinEventId;
	logonType: number;
	user: string;
	domain: string;
	/** The host logged on to (the event's Computer). */
	target: Host;
	/** IpAddress: an IPv4 address, `127.0.0.1` for local logons or `-`. */
	srcIp: string;
	/** IpPort as Windows writes it: a number, `0` or `-`. */
	srcPort: string;
	/** WorkstationName, or `-`. */
	srcHost: string;
	auth: 'Kerberos' | 'NTLM' | 'Negotiate' | '-';
	/** Why a 4625 failed. */
	failure: 'bad-password' | 'no-such-user' | undefined;
	/**
	 * Set on the few events a QRadar export carries from another log source (Linux sshd logons
	 * as QRadar's Linux DSM maps them); only the QRadar writers emit these.
	 */
	logSource: 'Linux OS' | undefined;
}

/** What one sshd line says. The first four are logon attempts, the rest are other sshd chatter. */
export type SshKind =
	| 'accepted-publickey' | 'accepted-password' | 'failed-password' | 'failed-invalid'
	| 'invalid-user' | 'closed-preauth' | 'session-opened' | 'session-closed' | 'disconnect';

export interface SshEvent {
	os: 'linux';
	/** Epoch ms, UTC, always a whole second (syslog has no fraction). */
	ts: number;
	/** The logging host, i.e. the target. */
	host: Host;
	pid: number;
	kind: SshKind;
	user: string;
	ip: string;
	port: number;
}

export type GenEvent = WinEvent | SshEvent;

/** True for the sshd lines that are logon attempts (what a reader loads as records). */
export function isSshLogon(kind: SshKind): boolean {
	return kind === 'accepted-publickey' || kind === 'accepted-password' || kind === 'failed-password' || kind === 'failed-invalid';
}

/** True for 4624/4625, the events a reader loads as records. */
export function isWinLogon(id: WinEventId): boolean {
	return id === 4624 || id === 4625;
}

/** The events of one day, per side; sorted by time before writing. */
export interface DayEvents {
	win: WinEvent[];
	linux: SshEvent[];
}

/** A Windows client's ephemeral source port. */
export function winPort(rng: Random): string {
	return String(rng.int(49152, 65535));
}

/** Details of one Windows logon to record with `logon`. */
export interface LogonSpec {
	ts: number;
	target: Host;
	user: string;
	domain: string;
	type: number;
	srcIp: string;
	srcHost: string;
	auth: WinEvent['auth'];
	/** Adds a 4672 (special privileges) right after the logon: admin and service accounts. */
	privileged?: boolean;
	/** ms after the logon to write its 4634 logoff; omitted = no logoff recorded. */
	logoffAfter?: number;
	/** Latest epoch ms a logoff may carry (the end of the day being generated). */
	until?: number;
	/** Port as written; default a random ephemeral port for remote logons, `0` for local ones. */
	srcPort?: string;
}

/**
 * One Windows event with every field set, so all events share one object shape (V8 keeps such
 * arrays fast; millions of them pass through a large run).
 */
function winEvent(s: LogonSpec, ts: number, id: WinEventId, srcPort: string, failure: WinEvent['failure']): WinEvent {
	return {
		os: 'win', ts, id, logonType: s.type, user: s.user, domain: s.domain, target: s.target,
		srcIp: s.srcIp, srcPort, srcHost: s.srcHost, auth: s.auth, failure, logSource: undefined,
	};
}

function portFor(rng: Random, s: LogonSpec): string {
	if (s.srcPort !== undefined) return s.srcPort;
	if (s.srcIp === '-') return '-';
	return s.srcIp === '127.0.0.1' ? '0' : winPort(rng);
}

/** Pushes a successful logon (and its 4672 and 4634 when asked) onto `out`. */
export function logon(out: WinEvent[], rng: Random, s: LogonSpec): void {
	const srcPort = portFor(rng, s);
	out.push(winEvent(s, s.ts, 4624, srcPort, undefined));
	if (s.privileged) out.push(winEvent(s, s.ts, 4672, srcPort, undefined));
	if (s.logoffAfter !== undefined) {
		const end = Math.min(s.ts + Math.max(1, Math.round(s.logoffAfter)), (s.until ?? Infinity) - 1);
		if (end > s.ts) out.push(winEvent(s, end, 4634, srcPort, undefined));
	}
}

/** Pushes a failed logon (4625) onto `out`. */
export function failedLogon(out: WinEvent[], rng: Random, s: LogonSpec & {failure?: WinEvent['failure']}): void {
	out.push(winEvent(s, s.ts, 4625, portFor(rng, s), s.failure ?? 'bad-password'));
}

/** Orders a day's events by time; the sort is stable, so a logon stays before its 4672. */
export function sortDay(day: DayEvents): void {
	day.win.sort((a, b) => a.ts - b.ts);
	day.linux.sort((a, b) => a.ts - b.ts);
}
