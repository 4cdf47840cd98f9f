/**
 * The planted attacks. Each is planned once from the seed (who, where, which night) and emits
 * its events on its day(s); the attacker (source, user) pairs of the ground truth are computed
 * from the very logon events emitted, so they always agree with what the files hold.
 */
import {hours, type Day} from './calendar.ts';
import type {Enterprise, Host, Person} from './enterprise.ts';
import {failedLogon, isSshLogon, isWinLogon, logon, type DayEvents, type GenEvent} from './events.ts';
import {Random} from './random.ts';
import {sshSession} from './ssh.ts';

const MINUTE = 60_000;
const SECOND = 1000;

/** What an attacker pair was used for. */
export type Technique =
	| 'fan-out' // many servers from a compromised workstation at night
	| 'hop-chain' // onward from a host the attacker reached: the target became a source
	| 'password-spray' // the sprayed account that worked, then used
	| 'password-spray-attempt' // a sprayed account that only failed
	| 'ssh-lateral' // ssh from one Linux server to the next, failures then success
	| 'quiet'; // a stolen account from an unusual desk to two servers, weekend night

/** One (source, user) pair the attacker produced, with the extent of its logon attempts. */
export interface PlantedPair {
	src_ip: string;
	user: string;
	technique: Technique;
	/** Which attack (1 fan-out and hop chain, 2 spray, 3 ssh, 4 quiet). */
	scenario: number;
	/** Epoch ms, UTC: the pair's first and last planted logon attempt. */
	first_ts: number;
	last_ts: number;
	/** Target host names, sorted. */
	target_hosts: string[];
	/** Target host addresses, in the order of `target_hosts`. */
	target_ips: string[];
	/** `windows` (the Windows-side file) or `linux` (auth.log). */
	side: 'windows' | 'linux';
	attempts: number;
	failures: number;
}

/** One planted attack, described for people reading the ground truth. */
export interface AttackSummary {
	scenario: number;
	name: string;
	mitre: string[];
	/** Local date(s) of the attack, `YYYY-MM-DD`. */
	date: string;
	description: string;
}

interface Plan {
	summary: Omit<AttackSummary, 'date'>;
	/** Day index the attack happens on. */
	day: number;
	/** Emits the attack's events for `day` (only on its own day and, for some, the day before). */
	emit(day: Day, out: DayEvents, track: (events: GenEvent[], technique: Technique) => void): void;
}

/** Collects planted events into pairs as they are emitted. */
export class AttackBook {
	private readonly pairs = new Map<string, PlantedPair & {hosts: Map<string, string>}>();
	readonly summaries: AttackSummary[] = [];
	private readonly plans: Plan[];

	constructor(private readonly ent: Enterprise, seed: number, calendar: Day[]) {
		this.plans = planAttacks(ent, seed, calendar);
		for (const plan of this.plans) this.summaries.push({...plan.summary, date: calendar[plan.day]!.date});
	}

	/** Appends every planted event of `day` to `out`. */
	emitDay(day: Day, out: DayEvents): void {
		for (const plan of this.plans) {
			plan.emit(day, out, (events, technique) => this.track(events, technique, plan.summary.scenario));
		}
	}

	/** The attacker pairs so far, in a stable order (first attempt, then source, then user). */
	result(): PlantedPair[] {
		return [...this.pairs.values()]
			.map(({hosts, ...pair}) => {
				const names = [...hosts.keys()].sort();
				return {...pair, target_hosts: names, target_ips: names.map(n => hosts.get(n)!)};
			})
			.sort((a, b) => a.first_ts - b.first_ts || a.src_ip.localeCompare(b.src_ip) || a.user.localeCompare(b.user));
	}

	private track(events: GenEvent[], technique: Technique, scenario: number): void {
		for (const ev of events) {
			const attempt = ev.os === 'win' ? isWinLogon(ev.id) : isSshLogon(ev.kind);
			if (!attempt) continue;
			const src = ev.os === 'win' ? ev.srcIp : ev.ip;
			const target = ev.os === 'win' ? ev.target : ev.host;
			const failed = ev.os === 'win' ? ev.id === 4625 : ev.kind.startsWith('failed');
			const key = `${src}\u0000${ev.user}`;
			let pair = this.pairs.get(key);
			if (!pair) {
				pair = {
					src_ip: src, user: ev.user, technique, scenario, first_ts: ev.ts, last_ts: ev.ts, target_hosts: [], target_ips: [],
					side: ev.os === 'win' ? 'windows' : 'linux', attempts: 0, failures: 0, hosts: new Map(),
				};
				this.pairs.set(key, pair);
			}

			// A sprayed account that later worked is a spray success, whatever was tracked first.
			if (technique === 'password-spray') pair.technique = technique;
			pair.first_ts = Math.min(pair.first_ts, ev.ts);
			pair.last_ts = Math.max(pair.last_ts, ev.ts);
			pair.attempts++;
			if (failed) pair.failures++;
			pair.hosts.set(target.name, target.ip);
		}
	}
}

/** Days an attack may fall on: after two days of baseline when there are enough days. */
function eligibleDays(calendar: Day[]): Day[] {
	return calendar.length >= 3 ? calendar.slice(2) : calendar.slice(-1);
}

/** Windows servers an intruder would go for (not the jump server: that would be watched). */
function valuableServers(ent: Enterprise): Host[] {
	return [...ent.fileServers, ...ent.appServers, ...ent.dbServers, ent.sccm, ent.backup];
}

/** Ordinary employees at their own desks (not administrators, VDI or night shift). */
function deskWorkers(ent: Enterprise): Person[] {
	const desk = ent.people.filter(p => !p.admin && !p.vdi && !p.nightShift);
	return desk.length > 0 ? desk : ent.people;
}

function planAttacks(ent: Enterprise, seed: number, calendar: Day[]): Plan[] {
	const rng = new Random(seed, 'attack-plan');
	const days = eligibleDays(calendar);
	const weekend = days.filter(d => d.weekend);
	// Different nights when there are enough days, so each 24-hour window holds at most one or two.
	const order = rng.shuffle(days);
	const [fanDay, sprayDay, sshDay] = [0, 1, 2].map(i => order[i % order.length]!.index) as [number, number, number];
	const quietDay = weekend.length > 0 ? rng.pick(weekend).index : days[days.length - 1]!.index;
	const desk = deskWorkers(ent);
	const victim = rng.pick(desk);
	return [
		fanOutPlan(ent, seed, fanDay, victim, rng),
		sprayPlan(ent, seed, sprayDay, victim, rng),
		sshPlan(ent, seed, sshDay, rng),
		quietPlan(ent, seed, quietDay, desk.filter(p => p !== victim), rng),
	];
}

/**
 * (1) A phished employee's workstation is used at 02:00-04:00 to log on with a harvested admin
 * account (or the employee's own) to 4-8 servers, then from one of those servers onward.
 */
function fanOutPlan(ent: Enterprise, seed: number, day: number, victim: Person, plan: Random): Plan {
	const admin = plan.pick(ent.admins);
	const useAdmin = plan.chance(0.65);
	const account = useAdmin ? admin.admin! : victim.name;
	const ws = victim.workstation;
	const pool = plan.chance(0.3) ? [...valuableServers(ent), plan.pick(ent.dcs)] : valuableServers(ent);
	const first = plan.sample(pool, plan.int(4, Math.min(8, pool.length)));
	const pivot = plan.pick(first.filter(h => h.role !== 'domain-controller'));
	const onwardPool = [...ent.servers.filter(h => h !== pivot && h !== ent.jump && !first.includes(h)), ...plan.sample(ent.workstations.filter(w => w !== ws), 3)];
	const onward = plan.sample(onwardPool, plan.int(2, Math.min(4, onwardPool.length)));
	const how = useAdmin
		? `${account} (harvested from a helpdesk RDP session to ${ws.name} the day before)`
		: `the employee's own account ${account}`;
	return {
		day,
		summary: {
			scenario: 1,
			name: 'compromised workstation: night fan-out and hop chain',
			mitre: ['T1021.002', 'T1550.002', 'T1078'],
			description: `${victim.name}'s workstation ${ws.name} (${ws.ip}) logs on with ${how} to ${first.length} servers over SMB (type 3, NTLM) between 02:00 and 04:00, then from ${pivot.name} (${pivot.ip}) onward to ${onward.map(h => h.name).join(', ')}.`,
		},
		emit(d, out, track) {
			const rng = new Random(seed, 'attack', 1, d.index);
			// The credential was left behind by an ordinary helpdesk session the day before.
			if (useAdmin && d.index === Math.max(0, day - 1)) {
				logon(out.win, rng, {
					user: account, domain: ent.domain, type: 10, target: ws, srcIp: ent.jump.ip, srcHost: ent.jump.name, auth: 'Negotiate',
					privileged: true, ts: d.at(hours(rng.real(d.index === day ? 10 : 9.5, 16))), logoffAfter: rng.int(10, 30) * MINUTE, until: d.end,
				});
			}

			if (d.index !== day) return;
			const events: DayEvents = {win: [], linux: []};
			let t = d.at(hours(rng.real(2, 2.8)));
			let pivotTs = t;
			for (const target of first) {
				logon(events.win, rng, {user: account, domain: ent.domain, type: 3, target, srcIp: ws.ip, srcHost: ws.name, auth: 'NTLM', privileged: useAdmin, ts: t, logoffAfter: rng.int(30, 600) * SECOND, until: d.end});
				if (target === pivot) pivotTs = t;
				t += rng.int(20, 180) * SECOND;
			}

			track(events.win, 'fan-out');
			const hop: DayEvents = {win: [], linux: []};
			let u = pivotTs + rng.int(10, 25) * MINUTE;
			for (const target of onward) {
				const rdp = rng.chance(0.3);
				logon(hop.win, rng, {
					user: account, domain: ent.domain, type: rdp ? 10 : 3, target, srcIp: pivot.ip, srcHost: pivot.name, auth: rdp ? 'Negotiate' : 'NTLM',
					privileged: useAdmin, ts: u, logoffAfter: rng.int(1, 15) * MINUTE, until: d.end,
				});
				u += rng.int(30, 300) * SECOND;
			}

			track(hop.win, 'hop-chain');
			out.win.push(...events.win, ...hop.win);
		},
	};
}

/** Windows hosts use this pattern for unnamed machines: a rogue laptop on the network. */
function rogueName(rng: Random): string {
	const chars = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
	let name = 'DESKTOP-';
	for (let i = 0; i < 7; i++) name += chars[rng.int(0, chars.length - 1)];
	return name;
}

/**
 * (2) One source tries one password for many accounts against a DC (type 3, NTLM), a second
 * round later; one account works and is used straight away against two or three servers.
 */
function sprayPlan(ent: Enterprise, seed: number, day: number, avoid: Person, plan: Random): Plan {
	const rogue = plan.chance(0.5);
	const owner = rogue ? undefined : plan.pick(ent.people.filter(p => p !== avoid && !p.vdi && !p.nightShift));
	const source = owner ? owner.workstation : {name: rogueName(plan), ip: `10.10.0.${plan.int(50, 200)}`};
	const dc = plan.pick(ent.dcs);
	const candidates = ent.people.filter(p => p !== owner);
	const sprayed = plan.sample(candidates, Math.min(candidates.length, plan.int(15, 30)));
	const winner = plan.pick(sprayed);
	const follow = plan.sample([...ent.fileServers, ...ent.appServers], plan.int(2, 3));
	const evening = plan.chance(0.5);
	return {
		day,
		summary: {
			scenario: 2,
			name: 'password spray, then use of the account that worked',
			mitre: ['T1110.003', 'T1021.002'],
			description: `${source.name} (${source.ip}${owner ? `, ${owner.name}'s workstation` : ', a device that is not in the inventory'}) tries one password for ${sprayed.length} accounts against ${dc.name}, twice; ${winner.name} succeeds in the second round and is used from the same source on ${follow.map(h => h.name).join(', ')}.`,
		},
		emit(d, out, track) {
			if (d.index !== day) return;
			const rng = new Random(seed, 'attack', 2, d.index);
			const spray = {domain: ent.domain, type: 3, target: dc, srcIp: source.ip, srcHost: source.name, auth: 'NTLM' as const, until: d.end};
			const attempts: DayEvents = {win: [], linux: []};
			const wins: DayEvents = {win: [], linux: []};
			let t = d.at(hours(evening ? rng.real(19, 21) : rng.real(1, 3)));
			for (const p of sprayed) {
				failedLogon(attempts.win, rng, {...spray, user: p.name, ts: t});
				t += rng.int(1, 6) * SECOND;
			}

			t += rng.int(30, 60) * MINUTE;
			for (const p of rng.shuffle(sprayed)) {
				if (p === winner) logon(wins.win, rng, {...spray, user: p.name, ts: t, logoffAfter: rng.int(1, 5) * SECOND});
				else failedLogon(attempts.win, rng, {...spray, user: p.name, ts: t});
				t += rng.int(1, 6) * SECOND;
			}

			t += rng.int(5, 20) * MINUTE;
			for (const target of follow) {
				logon(wins.win, rng, {...spray, user: winner.name, target, ts: t, logoffAfter: rng.int(1, 20) * MINUTE});
				t += rng.int(1, 5) * MINUTE;
			}

			track(attempts.win, 'password-spray-attempt');
			track(wins.win, 'password-spray');
			out.win.push(...attempts.win, ...wins.win);
		},
	};
}

/**
 * (3) From a Linux server the attacker got into, ssh onward at night with a stolen password:
 * a few failures, then accepted, then on from the next server.
 */
function sshPlan(ent: Enterprise, seed: number, day: number, plan: Random): Plan {
	const account = plan.chance(0.6) && ent.linuxUsers.length > 0 ? plan.pick(ent.linuxUsers).linux! : 'root';
	const chain = plan.sample(ent.linux, Math.min(ent.linux.length, plan.int(3, 4)));
	const extra = chain.length >= 4 ? undefined : ent.linux.find(h => !chain.includes(h));
	const branch = extra && plan.chance(0.5) ? extra : undefined;
	return {
		day,
		summary: {
			scenario: 3,
			name: 'ssh lateral movement between Linux servers',
			mitre: ['T1021.004', 'T1110.001'],
			description: `At night, from ${chain[0]!.name} (${chain[0]!.ip}), ${account} logs on over ssh with a password after failed attempts to ${chain.slice(1).map(h => h.name).join(' then ')}, each hop starting from the host just reached${branch ? `; ${chain[1]!.name} also reaches ${branch.name}` : ''}.`,
		},
		emit(d, out, track) {
			if (d.index !== day) return;
			const rng = new Random(seed, 'attack', 3, d.index);
			const events: DayEvents = {win: [], linux: []};
			let t = d.at(hours(rng.real(1, 2.5)));
			for (let i = 0; i + 1 < chain.length; i++) {
				const from = chain[i]!;
				const hopTo = (to: Host) => sshSession(events.linux, rng, {
					ts: t, host: to, user: account, ip: from.ip, method: 'password', failures: rng.int(1, 4),
					duration: rng.int(5, 30) * MINUTE, until: d.end,
				});
				const {accepted} = hopTo(chain[i + 1]!);
				if (i === 0 && branch) {
					t = accepted + rng.int(2, 8) * MINUTE;
					hopTo(branch);
				}

				t = accepted + rng.int(5, 25) * MINUTE;
			}

			track(events.linux, 'ssh-lateral');
			out.linux.push(...events.linux);
		},
	};
}

/**
 * (4) A quiet one: a stolen account used from someone else's workstation on a weekend night,
 * on just the two servers its owner normally uses.
 */
function quietPlan(ent: Enterprise, seed: number, day: number, people: Person[], plan: Random): Plan {
	const owner = plan.pick(people.length > 0 ? people : ent.people);
	const desk = plan.pick(ent.workstations.filter(w => w !== owner.workstation));
	const targets = [owner.homeShare, plan.pick(owner.apps)];
	return {
		day,
		summary: {
			scenario: 4,
			name: 'stolen account, unusual workstation, weekend night',
			mitre: ['T1078', 'T1021.002'],
			description: `${owner.name}'s account is used from ${desk.name} (${desk.ip}), not the owner's desk, at about 23:00 to log on to ${targets.map(h => h.name).join(' and ')} (type 3, Kerberos, no failures).`,
		},
		emit(d, out, track) {
			if (d.index !== day) return;
			const rng = new Random(seed, 'attack', 4, d.index);
			const events: DayEvents = {win: [], linux: []};
			let t = d.at(hours(rng.real(23, 23.3)));
			for (const target of targets) {
				logon(events.win, rng, {user: owner.name, domain: ent.domain, type: 3, target, srcIp: desk.ip, srcHost: '-', auth: 'Kerberos', ts: t, logoffAfter: rng.int(2, 15) * MINUTE, until: d.end});
				t += rng.int(1, 6) * MINUTE;
			}

			track(events.win, 'quiet');
			out.win.push(...events.win);
		},
	};
}
