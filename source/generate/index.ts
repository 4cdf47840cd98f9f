/**
 * `lateral generate`: a deterministic synthetic enterprise with known ground truth.
 *
 * The dataset is a pure function of the options: the same seed writes the same bytes. Days are
 * generated one at a time, sorted and streamed to the files, so memory holds one day of events
 * however long the period. Next to the logs, `ground-truth.json` names the planted attacker
 * (source, user) pairs and the benign look-alikes.
 */
import fs from 'node:fs';
import path from 'node:path';
import {AttackBook, type AttackSummary, type Technique} from './attacks.ts';
import {benignDay} from './benign.ts';
import {makeCalendar, parseDate} from './calendar.ts';
import {buildEnterprise, MAX_USERS, MIN_USERS, type Enterprise, type Role} from './enterprise.ts';
import {sortDay, type DayEvents} from './events.ts';
import {authLogWriter} from './write-auth-log.ts';
import {falconWriter} from './write-falcon.ts';
import {qradarCsvWriter, qradarJsonWriter} from './write-qradar.ts';
import {windowsJsonWriter} from './write-windows-json.ts';
import type {FileCounts, WindowsWriter} from './writer.ts';
import {checkTimeZone} from '../util/time.ts';

export type WindowsFormat = 'windows-json' | 'falcon' | 'qradar-json' | 'qradar-csv';
export const WINDOWS_FORMATS: readonly WindowsFormat[] = ['windows-json', 'falcon', 'qradar-json', 'qradar-csv'];

export interface GenerateOptions {
	/** Folder to write (created when missing). */
	out: string;
	/** Any integer; the same seed gives the same bytes. */
	seed: number;
	/** Number of days (at least 1). Attacks fall after the first two days when there are three or more. */
	days: number;
	/** Number of people (10 to 60,000); hosts scale with it. */
	users: number;
	/** First local day, ISO date; default in the CLI 2026-11-02 (a Monday). */
	start: string;
	/** IANA zone of the site: office hours, nights and weekends are local to it. */
	tz: string;
	/** Format of the Windows-side file. */
	windowsFormat: WindowsFormat;
}

/** The file ground truth is written to; not a log (folder loads skip it). */
export const GROUND_TRUTH_FILE = 'ground-truth.json';

/** An attacker (source, user) pair, keyed by the exact strings loading the files gives. */
export interface AttackerPair {
	src_ip: string;
	user: string;
	technique: Technique;
	/** The attack it belongs to (see `attacks`). */
	scenario: number;
	/** Epoch ms, UTC: first and last planted logon attempt of the pair. */
	first_ts: number;
	last_ts: number;
	/** Targets as loading shows them: host names, or addresses for the QRadar formats. Sorted as `target_hosts`. */
	targets: string[];
	/** Target host names, sorted. */
	target_hosts: string[];
	/** The file holding the pair's planted events. */
	file: string;
	/** Planted logon attempts of the pair, and how many of them failed. */
	attempts: number;
	failures: number;
}

/** Infrastructure whose routine logons look like lateral movement to the seed queries. */
export interface BenignLookalike {
	kind: 'vdi-broker' | 'software-distribution' | 'backup' | 'jump-server' | 'domain-controller';
	src_ip: string;
	/** Present when one account does it all. */
	user?: string;
	/** The host the look-alike is about: the broker, the SCCM or backup server, the jump server, the DC. */
	host: string;
	note: string;
}

export interface GroundTruth {
	seed: number;
	days: number;
	users: number;
	start: string;
	tz: string;
	windows_format: WindowsFormat;
	/** Year to pass as `--year` when loading auth.log (classic syslog stamps carry none). */
	syslog_year: number;
	files: FileCounts[];
	attacker_pairs: AttackerPair[];
	attacks: AttackSummary[];
	benign_lookalikes: BenignLookalike[];
	hosts: Array<{name: string; ip: string; role: Role}>;
	/** The people (`users` is their number): Windows account, workstation, other accounts. */
	people: Array<{name: string; workstation: string; ip: string; admin?: string; linux?: string; vdi: boolean; night_shift: boolean}>;
	service_accounts: Array<{name: string; src_ips: string[]; hosts: string[]; purpose: string}>;
}

function windowsWriterFor(format: WindowsFormat, dir: string): WindowsWriter {
	switch (format) {
		case 'windows-json': return windowsJsonWriter(dir);
		case 'falcon': return falconWriter(dir);
		case 'qradar-json': return qradarJsonWriter(dir);
		case 'qradar-csv': return qradarCsvWriter(dir);
	}
}

/** Throws with a one-line reason when an option is out of range. */
function checkOptions(o: GenerateOptions): void {
	if (!Number.isSafeInteger(o.seed)) throw new Error(`seed must be a whole number (got ${o.seed})`);
	if (!Number.isInteger(o.days) || o.days < 1 || o.days > 3660) throw new Error(`days must be a whole number from 1 to 3660 (got ${o.days})`);
	if (!Number.isInteger(o.users) || o.users < MIN_USERS || o.users > MAX_USERS) throw new Error(`users must be a whole number from ${MIN_USERS} to ${MAX_USERS} (got ${o.users})`);
	if (!WINDOWS_FORMATS.includes(o.windowsFormat)) throw new Error(`windowsFormat must be one of ${WINDOWS_FORMATS.join(', ')} (got ${o.windowsFormat})`);
	parseDate(o.start);
	checkTimeZone(o.tz);
}

function lookalikes(ent: Enterprise): BenignLookalike[] {
	const [dc1, dc2] = ent.dcs as [typeof ent.dcs[0], typeof ent.dcs[0]];
	return [
		{kind: 'vdi-broker', src_ip: ent.broker.ip, host: ent.broker.name, note: 'logs VDI users on to pool desktops (type 10) all day, and the night shift at night'},
		{kind: 'software-distribution', src_ip: ent.sccm.ip, user: 'svc-sccm', host: ent.sccm.name, note: 'svc-sccm logs on to most workstations (type 3) every night between 01:00 and 03:00'},
		{kind: 'backup', src_ip: ent.backup.ip, user: 'svc-backup', host: ent.backup.name, note: 'svc-backup logs on to every server (type 3) and every Linux server (ssh key) every night between 00:30 and 04:30'},
		{kind: 'jump-server', src_ip: ent.jump.ip, host: ent.jump.name, note: 'administrators RDP in from their desks, then on to servers (type 10 and 3) and helpdesk desktops as adm-* in office hours'},
		{kind: 'domain-controller', src_ip: dc2.ip, user: `${dc2.name}$`, host: dc1.name, note: 'replication with the other DC every 15 minutes around the clock; every client logs on to the DCs (type 3)'},
		{kind: 'domain-controller', src_ip: dc1.ip, user: `${dc1.name}$`, host: dc2.name, note: 'replication with the other DC every 15 minutes around the clock; every client logs on to the DCs (type 3)'},
	];
}

/** Writes the dataset into `o.out` and returns (and writes) its ground truth. */
export async function generateDataset(o: GenerateOptions, progress?: (msg: string) => void): Promise<GroundTruth> {
	checkOptions(o);
	fs.mkdirSync(o.out, {recursive: true});
	const ent = buildEnterprise(o.seed, o.users);
	const calendar = makeCalendar(o.start, o.days, o.tz);
	const book = new AttackBook(ent, o.seed, calendar);

	// Classic syslog stamps carry no year: use them only when the whole period is one UTC year.
	const startYear = Number(o.start.slice(0, 4));
	const firstYear = new Date(calendar[0]!.start).getUTCFullYear();
	const lastYear = new Date(calendar[calendar.length - 1]!.end - 1).getUTCFullYear();
	const classic = firstYear === startYear && lastYear === startYear;

	const windows = windowsWriterFor(o.windowsFormat, o.out);
	const linux = authLogWriter(o.out, !classic);
	const files: FileCounts[] = [];
	try {
		for (const day of calendar) {
			const events: DayEvents = {win: [], linux: []};
			benignDay(ent, day, o.seed, events);
			book.emitDay(day, events);
			sortDay(events);
			for (const ev of events.win) windows.write(ev);
			for (const ev of events.linux) linux.write(ev);
			progress?.(`generated ${day.date} (day ${day.index + 1} of ${calendar.length}): ${events.win.length + events.linux.length} events`);
			// Let the event loop breathe between days (progress output, Ctrl-C).
			await new Promise(resolve => setImmediate(resolve));
		}
	} finally {
		files.push(windows.close(), linux.close());
	}

	const windowsFile = files[0]!.file;
	const qradar = o.windowsFormat === 'qradar-json' || o.windowsFormat === 'qradar-csv';
	const attacker_pairs: AttackerPair[] = book.result().map(p => ({
		src_ip: p.src_ip,
		user: p.user,
		technique: p.technique,
		scenario: p.scenario,
		first_ts: p.first_ts,
		last_ts: p.last_ts,
		targets: qradar && p.side === 'windows' ? p.target_ips : p.target_hosts,
		target_hosts: p.target_hosts,
		file: p.side === 'windows' ? windowsFile : files[1]!.file,
		attempts: p.attempts,
		failures: p.failures,
	}));

	const truth: GroundTruth = {
		seed: o.seed,
		days: o.days,
		users: o.users,
		start: o.start,
		tz: o.tz,
		windows_format: o.windowsFormat,
		syslog_year: startYear,
		files,
		attacker_pairs,
		attacks: book.summaries,
		benign_lookalikes: lookalikes(ent),
		hosts: ent.hosts.map(h => ({name: h.name, ip: h.ip, role: h.role})),
		people: ent.people.map(p => ({
			name: p.name, workstation: p.workstation.name, ip: p.workstation.ip,
			...(p.admin ? {admin: p.admin} : {}), ...(p.linux ? {linux: p.linux} : {}), vdi: p.vdi, night_shift: p.nightShift,
		})),
		service_accounts: [
			{name: 'svc-sccm', src_ips: [ent.sccm.ip], hosts: [ent.sccm.name], purpose: 'software distribution: nightly sweep of the workstations'},
			{name: 'svc-backup', src_ips: [ent.backup.ip], hosts: [ent.backup.name], purpose: 'nightly backup of every server, Windows and Linux'},
			{name: 'svc-sql', src_ips: ent.appServers.map(h => h.ip), hosts: ent.appServers.map(h => h.name), purpose: 'application servers connecting to the databases, 06:00-22:00'},
		],
	};
	fs.writeFileSync(path.join(o.out, GROUND_TRUTH_FILE), `${JSON.stringify(truth, null, '\t')}\n`);
	return truth;
}
