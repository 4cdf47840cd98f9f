/**
 * sshd conversations as auth.log records them: failed attempts, the accepted one, the PAM
 * session lines, and the disconnect. Only the Accepted/Failed lines are logons; the rest is the
 * chatter a reader has to skip.
 */
import type {Host} from './enterprise.ts';
import type {SshEvent} from './events.ts';
import type {Random} from './random.ts';

const SECOND = 1000;

/** Rounds down to a whole second: syslog timestamps carry no fraction. */
export function wholeSecond(ts: number): number {
	return Math.floor(ts / SECOND) * SECOND;
}

export interface SshSessionSpec {
	/** Epoch ms of the first line. */
	ts: number;
	host: Host;
	user: string;
	ip: string;
	method: 'publickey' | 'password';
	/** Wrong passwords before the accepted one (same connection). */
	failures?: number;
	/** ms the session lasts; the disconnect lines are written when it ends inside `until`. */
	duration: number;
	/** Exclusive upper bound for every line (the end of the day). */
	until: number;
}

/** Pushes one ssh login (failures, accept, session open, and later disconnect and close). */
export function sshSession(out: SshEvent[], rng: Random, s: SshSessionSpec): {first: number; accepted: number} {
	const pid = rng.int(1200, 64000);
	const port = rng.int(32768, 60999);
	const last = wholeSecond(s.until - 1);
	const line = (ts: number, kind: SshEvent['kind']) => out.push({os: 'linux', ts: Math.min(last, wholeSecond(ts)), host: s.host, pid, kind, user: s.user, ip: s.ip, port});
	let t = s.ts;
	const first = Math.min(last, wholeSecond(t));
	for (let i = 0; i < (s.failures ?? 0); i++) {
		line(t, 'failed-password');
		t += rng.int(2, 9) * SECOND;
	}

	const accepted = Math.min(last, wholeSecond(t));
	line(t, s.method === 'publickey' ? 'accepted-publickey' : 'accepted-password');
	line(t, 'session-opened');
	const end = t + Math.max(SECOND, s.duration);
	if (end < s.until) {
		line(end, 'disconnect');
		line(end, 'session-closed');
	}

	return {first, accepted};
}

/** Pushes a run of failed attempts for users that do not exist, as internet scanners make. */
export function sshProbe(out: SshEvent[], rng: Random, s: {ts: number; host: Host; ip: string; users: string[]; until: number}): void {
	let t = s.ts;
	const last = wholeSecond(s.until - 1);
	for (const user of s.users) {
		const pid = rng.int(1200, 64000);
		const port = rng.int(32768, 60999);
		const ts = Math.min(last, wholeSecond(t));
		const known = user === 'root';
		if (!known) out.push({os: 'linux', ts, host: s.host, pid, kind: 'invalid-user', user, ip: s.ip, port});
		out.push({os: 'linux', ts, host: s.host, pid, kind: known ? 'failed-password' : 'failed-invalid', user, ip: s.ip, port});
		out.push({os: 'linux', ts, host: s.host, pid, kind: 'closed-preauth', user, ip: s.ip, port});
		t += rng.int(1, 6) * SECOND;
	}
}
