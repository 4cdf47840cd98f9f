/**
 * A normal day in the enterprise: people at their desks, the infrastructure that authenticates
 * around the clock, and the benign look-alikes that trip the seed queries (VDI broker, nightly
 * software distribution and backup, admins through the jump server, domain controllers).
 *
 * Rates are per day and scale with each person's activity weight, so a week of 200 users gives
 * a few tens of thousands of logons, most of them the type 3 chatter a real domain produces.
 */
import {hours, type Day} from './calendar.ts';
import type {Enterprise, Host, Person} from './enterprise.ts';
import {failedLogon, logon, type DayEvents, type WinEvent} from './events.ts';
import {Random} from './random.ts';
import {sshProbe, sshSession} from './ssh.ts';

const MINUTE = 60_000;
const SECOND = 1000;

/** Users internet scanners try on an exposed ssh server. */
const SCANNER_USERS = ['admin', 'test', 'oracle', 'postgres', 'ubuntu', 'user', 'guest', 'ftpuser', 'root', 'git', 'deploy', 'pi'];

/** Everything benign on `day`, appended to `out` (unsorted). */
export function benignDay(ent: Enterprise, day: Day, seed: number, out: DayEvents): void {
	const rng = (part: string) => new Random(seed, 'day', day.index, part);
	const vdiHostOf = vdiAssignments(ent, new Random(seed, 'day', day.index, 'vdi-pool'));
	officeHours(ent, day, rng('office'), vdiHostOf, out);
	nightShift(ent, day, rng('night-shift'), vdiHostOf, out.win);
	softwareDistribution(ent, day, rng('sccm'), out.win);
	backups(ent, day, rng('backup'), out);
	domainControllers(ent, day, rng('dc'), out.win);
	sqlPools(ent, day, rng('sql'), out.win);
	anonymous(ent, day, rng('anonymous'), out.win);
	scanners(ent, day, rng('scanners'), out);
}

/** Each VDI user's desktop for the day (pooled, non-persistent: it changes from day to day). */
function vdiAssignments(ent: Enterprise, rng: Random): Map<Person, Host> {
	const map = new Map<Person, Host>();
	for (const p of ent.people) if (p.vdi) map.set(p, rng.pick(ent.vdiHosts));
	return map;
}

/** A time between two local hours of the day, as epoch ms. */
function between(day: Day, rng: Random, from: number, to: number): number {
	return day.at(hours(rng.real(from, Math.max(from, to))));
}

/** The domain controller a client asks: the first one more often, as site affinity does. */
function pickDc(ent: Enterprise, rng: Random): Host {
	return rng.chance(0.6) ? ent.dcs[0]! : ent.dcs[1]!;
}

/** People at work: interactive logons, network logons to DCs, shares and apps, admin work, ssh. */
function officeHours(ent: Enterprise, day: Day, rng: Random, vdiHostOf: Map<Person, Host>, out: DayEvents): void {
	const win = out.win;
	const until = day.end;
	let linuxCopies = 0;
	for (const p of ent.people) {
		if (p.nightShift) continue;
		const present = day.weekend ? rng.chance(p.admin ? 0.12 : 0.05) : rng.chance(0.9);
		if (!present) continue;
		const arrive = day.weekend ? rng.real(9.5, 15) : rng.normal(8.2, 0.6, 6.5, 11);
		const leave = day.weekend ? arrive + rng.real(0.7, 3) : Math.min(21.5, arrive + rng.normal(8.6, 0.8, 5, 11));
		const ws = p.workstation;
		const scale = p.weight * (day.weekend ? 0.3 : 1);
		const during = () => between(day, rng, arrive, leave);

		// The computer account talks to a DC at boot and at every policy refresh.
		const machine = {user: `${ws.name}$`, domain: ent.domain, type: 3, srcIp: ws.ip, srcHost: '-', auth: 'Kerberos' as const, until};
		logon(win, rng, {...machine, ts: between(day, rng, arrive - 0.2, arrive - 0.02), target: pickDc(ent, rng)});
		for (let i = rng.poisson(2); i > 0; i--) logon(win, rng, {...machine, ts: during(), target: pickDc(ent, rng)});

		// Sitting down at the desk: the interactive logon, sometimes after a typo.
		const desk = {user: p.name, domain: ent.domain, target: ws, srcIp: '127.0.0.1', srcHost: ws.name, auth: 'Negotiate' as const, until};
		const type = p.laptop && rng.chance(0.15) ? 11 : 2;
		const sit = day.at(hours(arrive));
		if (rng.chance(0.05)) failedLogon(win, rng, {...desk, type, ts: sit - rng.int(4, 25) * SECOND});
		logon(win, rng, {...desk, type, ts: sit, logoffAfter: hours(leave - arrive)});
		for (let i = rng.int(0, 3); i > 0; i--) logon(win, rng, {...desk, type: 7, ts: during()});

		// VDI users work on a pooled desktop the broker logs them on to; their network logons
		// then come from that desktop, not from their thin client.
		const desktop = vdiHostOf.get(p);
		const src = desktop ?? ws;
		if (desktop) vdiSessions(ent, day, rng, p, desktop, arrive, leave, win);

		const net = {user: p.name, domain: ent.domain, type: 3, srcIp: src.ip, until};
		const kerberos = {...net, srcHost: '-', auth: 'Kerberos' as const};
		for (let i = rng.poisson(8 * scale); i > 0; i--) {
			logon(win, rng, {...kerberos, ts: during(), target: pickDc(ent, rng), logoffAfter: rng.chance(0.1) ? rng.int(1, 20) * SECOND : undefined});
		}

		for (let i = rng.poisson(6 * scale); i > 0; i--) {
			const target = rng.chance(0.75) ? p.homeShare : rng.pick(ent.fileServers);
			const ntlm = rng.chance(0.1);
			logon(win, rng, {...net, srcHost: ntlm ? src.name : '-', auth: ntlm ? 'NTLM' : 'Kerberos', ts: during(), target, logoffAfter: rng.chance(0.15) ? rng.int(5, 1800) * SECOND : undefined});
		}

		for (let i = rng.poisson(4 * scale); i > 0; i--) {
			logon(win, rng, {...kerberos, ts: during(), target: rng.pick(p.apps), logoffAfter: rng.chance(0.1) ? rng.int(5, 600) * SECOND : undefined});
		}

		// Mapping a drive with a mistyped password: one failure, then the success.
		if (rng.chance(0.02)) {
			const ts = during();
			const typo = {...net, srcHost: src.name, auth: 'NTLM' as const, target: p.homeShare};
			failedLogon(win, rng, {...typo, ts});
			logon(win, rng, {...typo, ts: ts + rng.int(5, 40) * SECOND});
		}

		if (p.admin && rng.chance(day.weekend ? 0.6 : 0.85)) adminWork(ent, day, rng, p, arrive, leave, win);
		if (p.linux && rng.chance(day.weekend ? 0.1 : 0.7)) {
			linuxCopies += linuxWork(ent, day, rng, p, src, arrive, leave, out, 3 - linuxCopies);
		}
	}
}

/** The broker logging a VDI user on to a desktop (type 10), and a reconnect after lunch. */
function vdiSessions(ent: Enterprise, day: Day, rng: Random, p: Person, desktop: Host, arrive: number, leave: number, win: WinEvent[]): void {
	const broker = {user: p.name, domain: ent.domain, type: 10, srcIp: ent.broker.ip, srcHost: ent.broker.name, auth: 'Negotiate' as const, until: day.end};
	const lunch = Math.min(leave - 0.5, arrive + rng.real(3, 5));
	if (rng.chance(0.5) && lunch > arrive + 0.5) {
		logon(win, rng, {...broker, target: desktop, ts: day.at(hours(arrive + 0.01)), logoffAfter: hours(lunch - arrive)});
		// A reconnect lands on another pool desktop now and then.
		const again = rng.chance(0.3) ? rng.pick(ent.vdiHosts) : desktop;
		logon(win, rng, {...broker, target: again, ts: day.at(hours(lunch + rng.real(0.3, 1))), logoffAfter: hours(leave - lunch)});
	} else {
		logon(win, rng, {...broker, target: desktop, ts: day.at(hours(arrive + 0.01)), logoffAfter: hours(leave - arrive)});
	}

	// Working from home in the evening, through the same broker.
	if (rng.chance(0.08)) logon(win, rng, {...broker, target: rng.pick(ent.vdiHosts), ts: between(day, rng, 19, 23), logoffAfter: rng.int(10, 90) * MINUTE});
}

/** The support desk works nights through VDI, so the broker logs people on after hours too. */
function nightShift(ent: Enterprise, day: Day, rng: Random, vdiHostOf: Map<Person, Host>, win: WinEvent[]): void {
	for (const p of ent.people) {
		if (!p.nightShift || !rng.chance(day.weekend ? 0.4 : 0.9)) continue;
		const desktop = vdiHostOf.get(p) ?? rng.pick(ent.vdiHosts);
		const broker = {user: p.name, domain: ent.domain, type: 10, srcIp: ent.broker.ip, srcHost: ent.broker.name, auth: 'Negotiate' as const, until: day.end};
		// The end of last night's shift, then the start of tonight's.
		const morning = rng.real(0.05, 1);
		logon(win, rng, {...broker, target: desktop, ts: day.at(hours(morning)), logoffAfter: hours(6 - morning)});
		const evening = rng.real(21.8, 22.5);
		logon(win, rng, {...broker, target: desktop, ts: day.at(hours(evening)), logoffAfter: hours(24 - evening)});
		const net = {user: p.name, domain: ent.domain, type: 3, srcIp: desktop.ip, srcHost: '-', auth: 'Kerberos' as const, until: day.end};
		for (let i = rng.poisson(8 * p.weight); i > 0; i--) {
			const ts = rng.chance(0.7) ? between(day, rng, morning, 6) : between(day, rng, evening, 23.9);
			logon(win, rng, {...net, ts, target: rng.chance(0.6) ? pickDc(ent, rng) : p.homeShare});
		}
	}
}

/** An administrator: RDP to the jump server, then on to servers; helpdesk sessions to desktops. */
function adminWork(ent: Enterprise, day: Day, rng: Random, p: Person, arrive: number, leave: number, win: WinEvent[]): void {
	const adm = p.admin!;
	const start = rng.real(arrive + 0.1, Math.max(arrive + 0.2, leave - 1.5));
	const length = rng.real(0.5, Math.max(0.6, leave - start - 0.1));
	logon(win, rng, {
		user: adm, domain: ent.domain, type: 10, target: ent.jump, srcIp: p.workstation.ip, srcHost: p.workstation.name,
		auth: 'Negotiate', privileged: true, ts: day.at(hours(start)), logoffAfter: hours(length), until: day.end,
	});
	const fromJump = {user: adm, domain: ent.domain, srcIp: ent.jump.ip, srcHost: ent.jump.name, privileged: true, until: day.end};
	const inSession = () => between(day, rng, start + 0.05, start + length);
	const servers = ent.servers.filter(s => s !== ent.jump);
	for (const target of rng.sample(servers, rng.int(1, 5))) {
		const rdp = rng.chance(0.6);
		logon(win, rng, {...fromJump, type: rdp ? 10 : 3, auth: rdp ? 'Negotiate' : 'Kerberos', target, ts: inSession(), logoffAfter: rng.int(2, 90) * MINUTE});
	}

	// Helpdesk: an administrator fixing someone's desktop over RDP leaves credentials behind.
	if (rng.chance(0.25)) {
		for (let i = rng.int(1, 2); i > 0; i--) {
			logon(win, rng, {...fromJump, type: 10, auth: 'Negotiate', target: rng.pick(ent.workstations), ts: inSession(), logoffAfter: rng.int(5, 40) * MINUTE});
		}
	}

	// Now and then straight from the desk, skipping the jump server.
	if (rng.chance(0.1)) {
		logon(win, rng, {
			user: adm, domain: ent.domain, type: 10, target: rng.pick(servers), srcIp: p.workstation.ip, srcHost: p.workstation.name,
			auth: 'Negotiate', privileged: true, ts: between(day, rng, arrive, leave), logoffAfter: rng.int(5, 60) * MINUTE, until: day.end,
		});
	}
}

/**
 * A Linux administrator or developer sshing from their desk to the servers they look after.
 * Returns how many logons were also copied into the Windows stream as QRadar "Linux OS" events
 * (at most `copies`), so a QRadar export carries a few events of another log source type.
 */
function linuxWork(ent: Enterprise, day: Day, rng: Random, p: Person, src: Host, arrive: number, leave: number, out: DayEvents, copies: number): number {
	let copied = 0;
	for (let i = rng.int(1, 4); i > 0; i--) {
		const password = rng.chance(0.15);
		const failures = password && rng.chance(0.15) ? 1 : 0;
		const host = rng.pick(p.linuxHosts);
		const ts = between(day, rng, arrive + 0.1, leave);
		const {accepted} = sshSession(out.linux, rng, {
			ts, host, user: p.linux!, ip: src.ip, method: password ? 'password' : 'publickey', failures,
			duration: rng.int(2, 90) * MINUTE, until: day.end,
		});
		if (copied < copies && rng.chance(0.3)) {
			copied++;
			out.win.push({
				os: 'win', ts: accepted, id: 4624, logonType: 10, user: p.linux!, domain: '-', target: host,
				srcIp: src.ip, srcPort: String(rng.int(32768, 60999)), srcHost: '-', auth: '-', failure: undefined, logSource: 'Linux OS',
			});
		}
	}

	return copied;
}

/** The SCCM service account sweeping most workstations every night (software distribution). */
function softwareDistribution(ent: Enterprise, day: Day, rng: Random, win: WinEvent[]): void {
	for (const ws of ent.workstations) {
		if (!rng.chance(0.85)) continue;
		const ntlm = rng.chance(0.5);
		logon(win, rng, {
			user: 'svc-sccm', domain: ent.domain, type: 3, target: ws, srcIp: ent.sccm.ip, srcHost: ntlm ? ent.sccm.name : '-',
			auth: ntlm ? 'NTLM' : 'Kerberos', privileged: true, ts: between(day, rng, 1, 3), logoffAfter: rng.chance(0.5) ? rng.int(5, 120) * SECOND : undefined, until: day.end,
		});
	}
}

/** The backup account visiting every server at night: SMB to Windows, ssh keys to Linux. */
function backups(ent: Enterprise, day: Day, rng: Random, out: DayEvents): void {
	for (const server of ent.servers) {
		if (server === ent.backup) continue;
		for (let i = rng.int(1, 2); i > 0; i--) {
			logon(out.win, rng, {
				user: 'svc-backup', domain: ent.domain, type: 3, target: server, srcIp: ent.backup.ip, srcHost: '-',
				auth: 'Kerberos', privileged: true, ts: between(day, rng, 0.5, 4.5), logoffAfter: rng.int(1, 40) * MINUTE, until: day.end,
			});
		}
	}

	for (const host of ent.linux) {
		sshSession(out.linux, rng, {ts: between(day, rng, 0.5, 4.5), host, user: 'svc-backup', ip: ent.backup.ip, method: 'publickey', duration: rng.int(2, 30) * MINUTE, until: day.end});
	}
}

/** Domain controllers replicating with each other around the clock (computer accounts, type 3). */
function domainControllers(ent: Enterprise, day: Day, rng: Random, win: WinEvent[]): void {
	const [a, b] = ent.dcs as [Host, Host];
	for (let slot = 0; slot < 96; slot++) {
		for (const [from, to] of [[a, b], [b, a]] as const) {
			logon(win, rng, {
				user: `${from.name}$`, domain: ent.domain, type: 3, target: to, srcIp: from.ip, srcHost: '-', auth: 'Kerberos',
				ts: day.at(slot * 15 * MINUTE + rng.int(0, 14 * MINUTE)), logoffAfter: rng.chance(0.3) ? rng.int(1, 5) * SECOND : undefined, until: day.end,
			});
		}
	}
}

/** Application servers opening SQL connections as svc-sql during the working day. */
function sqlPools(ent: Enterprise, day: Day, rng: Random, win: WinEvent[]): void {
	ent.appServers.forEach((app, i) => {
		const db = ent.dbServers[i % ent.dbServers.length]!;
		for (let h = 6; h < 22; h += 2) {
			logon(win, rng, {user: 'svc-sql', domain: ent.domain, type: 3, target: db, srcIp: app.ip, srcHost: '-', auth: 'Kerberos', ts: between(day, rng, h, h + 2), until: day.end});
		}
	});
}

/** Null sessions from workstations to DCs: noise every seed query filters out. */
function anonymous(ent: Enterprise, day: Day, rng: Random, win: WinEvent[]): void {
	const n = rng.poisson(ent.people.length * (day.weekend ? 0.02 : 0.1));
	for (let i = 0; i < n; i++) {
		const ws = rng.pick(ent.workstations);
		logon(win, rng, {
			user: 'ANONYMOUS LOGON', domain: 'NT AUTHORITY', type: 3, target: pickDc(ent, rng), srcIp: ws.ip, srcHost: ws.name,
			auth: 'NTLM', ts: between(day, rng, 7, 19), logoffAfter: rng.int(1, 10) * SECOND, until: day.end,
		});
	}
}

/** Internet scanners guessing users on the one Linux server that is reachable from outside. */
function scanners(ent: Enterprise, day: Day, rng: Random, out: DayEvents): void {
	const exposed = ent.linux[0]!;
	for (let i = rng.poisson(1.5); i > 0; i--) {
		const ip = rng.chance(0.5) ? `203.0.113.${rng.int(1, 254)}` : `198.51.100.${rng.int(1, 254)}`;
		const users = Array.from({length: rng.int(3, 12)}, () => rng.pick(SCANNER_USERS));
		sshProbe(out.linux, rng, {ts: between(day, rng, 0, 23.9), host: exposed, ip, users, until: day.end});
	}
}
