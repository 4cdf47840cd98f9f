/**
 * The synthetic enterprise: hosts with stable addresses, people with accounts and habits.
 * Built once per dataset from the seed; the daily activity and the planted attacks draw on it.
 */
import {FIRST_NAMES, LAST_NAMES} from './names.ts';
import {Random} from './random.ts';

/** What a host is for; ground truth lists every host with its role. */
export type Role =
	| 'workstation' | 'domain-controller' | 'file-server' | 'app-server' | 'db-server' | 'jump-server'
	| 'vdi-broker' | 'vdi-host' | 'sccm' | 'backup' | 'linux';

export interface Host {
	/** NetBIOS-style name as it appears in Computer / ComputerName / WorkstationName and syslog. */
	name: string;
	/** Stable IPv4 address (the QRadar formats name targets by it). */
	ip: string;
	role: Role;
}

export interface Person {
	/** Windows account, `first.last` (with a digit when two people share a name). */
	name: string;
	workstation: Host;
	/** Relative activity; log-normal so that a few people are very busy. */
	weight: number;
	/** Admin account (`adm-jsmith`) for administrators. */
	admin?: string;
	/** Linux login (`jsmith`) for people who ssh to the Linux servers. */
	linux?: string;
	/** Works through the VDI pool (the broker logs them on to a VDI host). */
	vdi: boolean;
	/** Works nights through VDI (support desk), so the broker is busy after hours too. */
	nightShift: boolean;
	/** Laptop users log on with cached credentials (type 11) now and then. */
	laptop: boolean;
	/** The file server holding the person's home share. */
	homeShare: Host;
	/** Application servers the person uses. */
	apps: Host[];
	/** Linux servers the person administers (empty unless `linux`). */
	linuxHosts: Host[];
}

export interface Enterprise {
	/** NetBIOS domain name, TargetDomainName / LogonDomain. */
	domain: string;
	hosts: Host[];
	workstations: Host[];
	dcs: Host[];
	fileServers: Host[];
	appServers: Host[];
	dbServers: Host[];
	jump: Host;
	broker: Host;
	vdiHosts: Host[];
	sccm: Host;
	backup: Host;
	linux: Host[];
	/** Windows servers of every kind (backup targets, attack targets). */
	servers: Host[];
	people: Person[];
	admins: Person[];
	linuxUsers: Person[];
}

/** The most users the addressing plan holds (240 workstations per /24, 10.10.1-250.x). */
export const MAX_USERS = 60_000;
/** The fewest users that still give each planted attack distinct actors. */
export const MIN_USERS = 10;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `count` hosts named `prefix` + number, addressed from `net` (a /16 prefix) starting at `.third.first`. */
function numbered(prefix: string, width: number, count: number, role: Role, net: string, third: number, first: number): Host[] {
	const out: Host[] = [];
	for (let i = 0; i < count; i++) {
		const slot = first + i;
		out.push({name: `${prefix}${pad(i + 1, width)}`, ip: `${net}.${third + Math.floor(slot / 250)}.${slot % 250}`, role});
	}

	return out;
}

/** Unique `first.last` names, with 2, 3... appended on collisions. */
function personNames(rng: Random, count: number): Array<{name: string; first: string; last: string}> {
	const seen = new Map<string, number>();
	const out: Array<{name: string; first: string; last: string}> = [];
	for (let i = 0; i < count; i++) {
		const first = rng.pick(FIRST_NAMES);
		const last = rng.pick(LAST_NAMES);
		const base = `${first}.${last}`;
		const n = (seen.get(base) ?? 0) + 1;
		seen.set(base, n);
		out.push({name: n === 1 ? base : `${base}${n}`, first, last});
	}

	return out;
}

/** Short logins (`jsmith`) as admins and Linux accounts use them, unique within `taken`. */
function shortName(first: string, last: string, taken: Set<string>): string {
	const base = `${first[0]}${last}`;
	let name = base;
	for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
	taken.add(name);
	return name;
}

/** Builds the enterprise for `users` people, deterministically from `seed`. */
export function buildEnterprise(seed: number, users: number): Enterprise {
	if (!Number.isInteger(users) || users < MIN_USERS || users > MAX_USERS) throw new Error(`users must be a whole number from ${MIN_USERS} to ${MAX_USERS} (got ${users})`);
	const rng = new Random(seed, 'enterprise');

	const workstations: Host[] = [];
	for (let i = 0; i < users; i++) {
		workstations.push({name: `WS-${pad(i + 1, 4)}`, ip: `10.10.${1 + Math.floor(i / 240)}.${10 + (i % 240)}`, role: 'workstation'});
	}

	const dcs: Host[] = [
		{name: 'DC01', ip: '10.20.0.10', role: 'domain-controller'},
		{name: 'DC02', ip: '10.20.0.11', role: 'domain-controller'},
	];
	const sccm: Host = {name: 'SRV-SCCM01', ip: '10.20.0.20', role: 'sccm'};
	const backup: Host = {name: 'SRV-BKP01', ip: '10.20.0.21', role: 'backup'};
	const fileServers = numbered('SRV-FS', 2, Math.max(2, Math.round(users / 120)), 'file-server', '10.20', 1, 10);
	const appServers = numbered('SRV-APP', 2, Math.max(3, Math.round(users / 60)), 'app-server', '10.20', 2, 10);
	const dbServers = numbered('SRV-DB', 2, Math.max(2, Math.round(users / 150)), 'db-server', '10.20', 3, 10);
	const jump: Host = {name: 'JUMP01', ip: '10.20.5.10', role: 'jump-server'};
	const broker: Host = {name: 'VDI-BRK01', ip: '10.30.0.5', role: 'vdi-broker'};
	const vdiHosts = numbered('VDI-', 3, Math.max(6, Math.round(users / 12)), 'vdi-host', '10.30', 1, 10);

	const linuxKinds = ['web', 'app', 'db', 'ci', 'mq', 'mon'];
	const linuxCount = Math.max(4, Math.round(users / 40));
	const perKind = new Map<string, number>();
	const linux: Host[] = [];
	for (let i = 0; i < linuxCount; i++) {
		const kind = linuxKinds[i % linuxKinds.length]!;
		const n = (perKind.get(kind) ?? 0) + 1;
		perKind.set(kind, n);
		linux.push({name: `lnx-${kind}${pad(n, 2)}`, ip: `10.40.${Math.floor((10 + i) / 250)}.${(10 + i) % 250}`, role: 'linux'});
	}

	const servers = [...dcs, ...fileServers, ...appServers, ...dbServers, jump, sccm, backup];

	const names = personNames(rng, users);
	const adminCount = Math.max(3, Math.round(users * 0.04));
	const linuxCountPeople = Math.max(3, Math.round(users * 0.05));
	const order = rng.shuffle(names.map((_, i) => i));
	const adminIdx = new Set(order.slice(0, adminCount));
	// Half the Linux people are administrators, the rest developers and operators.
	const linuxIdx = new Set([...order.slice(0, Math.ceil(adminCount / 2)), ...order.slice(adminCount, adminCount + linuxCountPeople - Math.ceil(adminCount / 2))]);
	const taken = new Set<string>();
	const people: Person[] = names.map((n, i) => {
		const isAdmin = adminIdx.has(i);
		const short = isAdmin || linuxIdx.has(i) ? shortName(n.first, n.last, taken) : undefined;
		const vdi = !isAdmin && rng.chance(0.25);
		const person: Person = {
			name: n.name,
			workstation: workstations[i]!,
			weight: Math.exp(rng.normal(0, 0.75, -2, 3)),
			vdi,
			nightShift: false,
			laptop: rng.chance(0.3),
			homeShare: fileServers[i % fileServers.length]!,
			apps: rng.sample(appServers, rng.int(1, 2)),
			linuxHosts: [],
		};
		if (isAdmin) person.admin = `adm-${short}`;
		if (linuxIdx.has(i)) {
			person.linux = short;
			person.linuxHosts = rng.sample(linux, rng.int(2, Math.min(5, linux.length)));
		}

		return person;
	});

	const vdiPeople = people.filter(p => p.vdi);
	for (const p of vdiPeople.slice(0, Math.max(2, Math.round(users * 0.02)))) p.nightShift = true;

	const hosts = [...dcs, sccm, backup, ...fileServers, ...appServers, ...dbServers, jump, broker, ...vdiHosts, ...linux, ...workstations];
	return {
		domain: 'CORP',
		hosts,
		workstations,
		dcs,
		fileServers,
		appServers,
		dbServers,
		jump,
		broker,
		vdiHosts,
		sccm,
		backup,
		linux,
		servers,
		people,
		admins: people.filter(p => p.admin !== undefined),
		linuxUsers: people.filter(p => p.linux !== undefined),
	};
}
