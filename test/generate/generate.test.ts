import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {generateDataset, type GenerateOptions, type GroundTruth, type WindowsFormat} from '../../source/generate/index.ts';
import {localParts} from '../../source/util/time.ts';
import {readAuthLog, readFalcon, readQradarCsv, readQradarJson, readWindowsJson, type ReadEvent} from './parse.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-generate-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

let runs = 0;
async function generate(options: Partial<GenerateOptions>): Promise<{dir: string; truth: GroundTruth}> {
	const dir = path.join(scratch, `run-${++runs}`);
	const truth = await generateDataset({out: dir, seed: 11, days: 7, users: 24, start: '2026-11-02', tz: 'UTC', windowsFormat: 'windows-json', ...options});
	return {dir, truth};
}

const READERS: Record<WindowsFormat, (file: string) => ReadEvent[]> = {
	'windows-json': readWindowsJson,
	falcon: readFalcon,
	'qradar-json': readQradarJson,
	'qradar-csv': readQradarCsv,
};

/** Reads every file the ground truth lists with the independent parsers. */
function readAll(dir: string, truth: GroundTruth): Map<string, ReadEvent[]> {
	const out = new Map<string, ReadEvent[]>();
	for (const f of truth.files) {
		const file = path.join(dir, f.file);
		out.set(f.file, f.format === 'sshd' ? readAuthLog(file, truth.syslog_year) : READERS[truth.windows_format](file));
	}

	return out;
}

function bytesOf(dir: string): Map<string, Buffer> {
	return new Map(fs.readdirSync(dir).sort().map(name => [name, fs.readFileSync(path.join(dir, name))]));
}

describe('determinism', () => {
	test('the same seed writes the same bytes; another seed writes different ones', async () => {
		const a = await generate({seed: 3, days: 4, users: 15});
		const b = await generate({seed: 3, days: 4, users: 15});
		const c = await generate({seed: 4, days: 4, users: 15});
		const [ba, bb, bc] = [bytesOf(a.dir), bytesOf(b.dir), bytesOf(c.dir)];
		assert.deepEqual([...ba.keys()], ['auth.log', 'ground-truth.json', 'windows-security.ndjson']);
		for (const [name, bytes] of ba) assert.ok(bytes.equals(bb.get(name)!), `${name} differs between two runs with seed 3`);
		for (const name of ba.keys()) assert.ok(!ba.get(name)!.equals(bc.get(name)!), `${name} is the same for seeds 3 and 4`);
	});

	test('the enterprise and attacks do not depend on the output format', async () => {
		const a = await generate({seed: 5, days: 4, users: 12, windowsFormat: 'windows-json'});
		const b = await generate({seed: 5, days: 4, users: 12, windowsFormat: 'falcon'});
		assert.deepEqual(a.truth.hosts, b.truth.hosts);
		const key = (t: GroundTruth) => t.attacker_pairs.map(p => [p.src_ip, p.user, p.technique, p.first_ts, p.last_ts, p.attempts, p.target_hosts.join()].join('|'));
		assert.deepEqual(key(a.truth), key(b.truth));
		assert.ok(fs.readFileSync(path.join(a.dir, 'auth.log')).equals(fs.readFileSync(path.join(b.dir, 'auth.log'))));
	});
});

for (const format of ['windows-json', 'falcon', 'qradar-json', 'qradar-csv'] as const) {
	describe(`${format} dataset`, () => {
		let dir = '';
		let truth: GroundTruth;
		let files: Map<string, ReadEvent[]>;
		before(async () => {
			({dir, truth} = await generate({windowsFormat: format, seed: 21}));
			files = readAll(dir, truth);
		});

		test('every line parses as its format and the counts match the ground truth', () => {
			assert.equal(truth.files.length, 2);
			for (const f of truth.files) {
				const events = files.get(f.file)!;
				const records = events.filter(e => e.logon).length;
				assert.equal(f.records, records, `${f.file}: records`);
				assert.equal(f.skipped, events.length - records, `${f.file}: skipped`);
				assert.ok(f.records > 100, `${f.file}: only ${f.records} records`);
				assert.ok(f.skipped > 0, `${f.file}: no non-logon events to skip`);
			}

			const written = fs.readdirSync(dir).sort();
			assert.deepEqual(written, [...truth.files.map(f => f.file), 'ground-truth.json'].sort());
			assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')), truth);
		});

		test('timestamps never go back within a file and stay inside the period', () => {
			const start = Date.parse('2026-11-02T00:00:00Z');
			const end = start + 7 * 86_400_000;
			for (const [file, events] of files) {
				let last = -Infinity;
				for (const e of events) {
					assert.ok(e.ts >= last, `${file}:${e.line} goes back in time`);
					assert.ok(e.ts >= start && e.ts < end, `${file}:${e.line} outside the period`);
					last = e.ts;
				}
			}
		});

		test('every planted pair is in the files exactly as the ground truth describes it', () => {
			assert.ok(truth.attacker_pairs.length >= 6);
			for (const pair of truth.attacker_pairs) {
				const events = files.get(pair.file)!.filter(e => e.logon && e.src === pair.src_ip && e.user === pair.user && e.ts >= pair.first_ts && e.ts <= pair.last_ts);
				const label = `${pair.technique} ${pair.src_ip} ${pair.user}`;
				assert.equal(events.length, pair.attempts, `${label}: attempts`);
				assert.equal(events.filter(e => e.outcome === 'failure').length, pair.failures, `${label}: failures`);
				assert.equal(events[0]!.ts, pair.first_ts, `${label}: first_ts`);
				assert.equal(events.at(-1)!.ts, pair.last_ts, `${label}: last_ts`);
				assert.deepEqual([...new Set(events.map(e => e.target!))].sort(), [...pair.targets].sort(), `${label}: targets`);
				if (pair.file !== 'auth.log') assert.ok(events.every(e => e.logonType === 3 || e.logonType === 10), `${label}: logon types`);
			}
		});

		if (format.startsWith('qradar')) {
			test('a few events come from another log source type, and targets are addresses', () => {
				const all = [...files.values()][0]!;
				const other = all.filter(e => e.logSource === 'Linux OS');
				assert.ok(other.length > 0 && other.length <= 3 * 7, `${other.length} Linux OS events`);
				const ips = new Set(truth.hosts.map(h => h.ip));
				assert.ok(all.every(e => ips.has(e.target!)));
			});
		}
	});
}

describe('the planted attacks', () => {
	let truth: GroundTruth;
	let events: ReadEvent[];
	let ssh: ReadEvent[];
	const hostIp = new Map<string, string>();
	before(async () => {
		let dir;
		({dir, truth} = await generate({seed: 33, users: 40, tz: 'Europe/Berlin'}));
		events = readWindowsJson(path.join(dir, 'windows-security.ndjson'));
		ssh = readAuthLog(path.join(dir, 'auth.log'), truth.syslog_year);
		for (const h of truth.hosts) hostIp.set(h.name, h.ip);
	});
	const local = (ts: number) => localParts(ts, 'Europe/Berlin');
	const byTechnique = (t: string) => truth.attacker_pairs.filter(p => p.technique === t);

	test('all fall after the two baseline days', () => {
		const baselineEnd = Date.parse('2026-11-03T23:00:00Z'); // midnight starting Nov 4 in Berlin
		for (const p of truth.attacker_pairs) assert.ok(p.first_ts >= baselineEnd, `${p.technique} on ${new Date(p.first_ts).toISOString()}`);
		assert.deepEqual(truth.attacks.map(a => a.scenario), [1, 2, 3, 4]);
	});

	test('fan-out: 4-8 servers at 02:00-04:00 local, then a hop from one of them onward', () => {
		const [fan] = byTechnique('fan-out');
		const [hop] = byTechnique('hop-chain');
		assert.ok(fan && hop);
		assert.ok(fan.targets.length >= 4 && fan.targets.length <= 8);
		assert.equal(fan.failures, 0);
		const fanIps = fan.targets.map(t => hostIp.get(t));
		assert.ok(fanIps.includes(hop.src_ip), 'the hop starts from a host the fan-out reached');
		assert.equal(hop.user, fan.user);
		assert.ok(hop.first_ts > fan.first_ts);
		assert.ok(hop.targets.length >= 2 && hop.targets.every(t => !fan.targets.includes(t)));
		for (const p of [fan, hop]) {
			for (const ts of [p.first_ts, p.last_ts]) assert.ok(local(ts).hour >= 2 && local(ts).hour < 5, `${p.technique} at ${local(ts).hour}h`);
		}

		// The hop's source host logs on with its own name, so the chain can be followed by name too.
		const pivot = truth.hosts.find(h => h.ip === hop.src_ip)!;
		assert.ok(events.some(e => e.logon && e.src === hop.src_ip && e.srcHost === pivot.name));
	});

	test('password spray: one source, many users failing, one that works and is used', () => {
		const attempts = byTechnique('password-spray-attempt');
		const [win] = byTechnique('password-spray');
		assert.ok(win);
		assert.ok(attempts.length >= 12, `${attempts.length} sprayed accounts`);
		assert.ok(attempts.every(p => p.src_ip === win.src_ip && p.failures === p.attempts && p.targets.length === 1));
		assert.ok(win.failures >= 1 && win.attempts > win.failures);
		assert.ok(win.targets.length >= 3);
		const failedUsers = new Set(events.filter(e => e.outcome === 'failure' && e.src === win.src_ip && e.ts <= win.last_ts && e.ts >= win.first_ts - 3_600_000).map(e => e.user));
		assert.ok(failedUsers.size >= attempts.length);
	});

	test('ssh lateral: failures then a password accepted, each hop from the host just reached', () => {
		const pairs = byTechnique('ssh-lateral');
		assert.ok(pairs.length >= 2);
		const linuxIps = new Set(truth.hosts.filter(h => h.role === 'linux').map(h => h.ip));
		for (const p of pairs) {
			assert.equal(p.file, 'auth.log');
			assert.ok(linuxIps.has(p.src_ip));
			assert.ok(p.failures >= 1 && p.attempts > p.failures);
			const hour = local(p.first_ts).hour;
			assert.ok(hour < 6, `ssh hop at ${hour}h`);
		}

		const reached = new Set(pairs.flatMap(p => p.targets.map(t => hostIp.get(t))));
		assert.ok(pairs.some(p => reached.has(p.src_ip)), 'a chain: some hop starts where another ended');
		const accepted = ssh.filter(e => e.outcome === 'success' && pairs.some(p => p.src_ip === e.src && p.user === e.user));
		assert.equal(accepted.length, pairs.reduce((n, p) => n + p.attempts - p.failures, 0));
	});

	test('quiet: a stolen account from another desk to two servers at 23:00 on a weekend', () => {
		const [quiet] = byTechnique('quiet');
		assert.ok(quiet);
		assert.equal(quiet.targets.length, 2);
		assert.equal(quiet.failures, 0);
		const when = local(quiet.first_ts);
		assert.equal(when.hour, 23);
		assert.ok(when.weekday === 0 || when.weekday === 6);
		const owner = truth.people.find(p => p.name === quiet.user)!;
		assert.notEqual(owner.ip, quiet.src_ip);
	});
});

describe('the benign look-alikes', () => {
	let truth: GroundTruth;
	let events: ReadEvent[];
	let ssh: ReadEvent[];
	before(async () => {
		let dir;
		({dir, truth} = await generate({seed: 8, users: 30}));
		events = readWindowsJson(path.join(dir, 'windows-security.ndjson')).filter(e => e.logon);
		ssh = readAuthLog(path.join(dir, 'auth.log'), truth.syslog_year).filter(e => e.logon);
	});
	const lookalike = (kind: string) => truth.benign_lookalikes.find(l => l.kind === kind)!;
	const targetsOf = (list: ReadEvent[]) => new Set(list.map(e => e.target));

	test('the VDI broker logs many users on to many desktops (type 10), day and night', () => {
		const broker = events.filter(e => e.src === lookalike('vdi-broker').src_ip);
		assert.ok(broker.every(e => e.logonType === 10));
		assert.ok(new Set(broker.map(e => e.user)).size >= 5);
		assert.ok(targetsOf(broker).size >= 5);
		assert.ok(broker.some(e => new Date(e.ts).getUTCHours() < 6), 'night shift');
	});

	test('svc-sccm sweeps most workstations every night between 01:00 and 03:00', () => {
		const sccm = lookalike('software-distribution');
		const sweep = events.filter(e => e.src === sccm.src_ip && e.user === 'svc-sccm');
		const workstations = truth.hosts.filter(h => h.role === 'workstation').length;
		assert.ok(targetsOf(sweep).size >= workstations * 0.8);
		assert.ok(sweep.every(e => e.logonType === 3 && [1, 2].includes(new Date(e.ts).getUTCHours())));
	});

	test('svc-backup visits every server, Windows and Linux, at night', () => {
		const backup = lookalike('backup');
		const windows = events.filter(e => e.src === backup.src_ip && e.user === 'svc-backup');
		const linux = ssh.filter(e => e.src === backup.src_ip && e.user === 'svc-backup');
		const servers = truth.hosts.filter(h => ['domain-controller', 'file-server', 'app-server', 'db-server', 'jump-server', 'sccm'].includes(h.role));
		assert.deepEqual([...targetsOf(windows)].sort(), servers.map(h => h.name).sort());
		assert.equal(targetsOf(linux).size, truth.hosts.filter(h => h.role === 'linux').length);
		assert.ok([...windows, ...linux].every(e => new Date(e.ts).getUTCHours() < 5));
	});

	test('admins RDP to the jump server and from it to several servers in office hours', () => {
		const jump = lookalike('jump-server');
		const onward = events.filter(e => e.src === jump.src_ip);
		assert.ok(onward.every(e => e.user!.startsWith('adm-')));
		assert.ok(targetsOf(onward).size >= 5);
		assert.ok(events.some(e => e.target === jump.host && e.logonType === 10 && e.user!.startsWith('adm-')));
		assert.ok(onward.every(e => e.srcHost === jump.host));
	});

	test('domain controllers replicate with each other all day', () => {
		for (const dc of truth.benign_lookalikes.filter(l => l.kind === 'domain-controller')) {
			const replication = events.filter(e => e.src === dc.src_ip && e.user === dc.user && e.target === dc.host);
			assert.ok(replication.length >= 7 * 90, `${dc.user} -> ${dc.host}: ${replication.length}`);
		}
	});

	test('noise the seed queries filter: machine accounts, ANONYMOUS LOGON, local logons, typos', () => {
		assert.ok(events.some(e => e.user!.endsWith('$') && /^WS-/.test(e.user!)));
		assert.ok(events.some(e => e.user === 'ANONYMOUS LOGON'));
		assert.ok(events.some(e => e.logonType === 2 && e.src === '127.0.0.1'));
		assert.ok(events.some(e => e.outcome === 'failure' && e.logonType === 2));
		assert.ok(ssh.some(e => e.outcome === 'failure' && /^(203\.0\.113|198\.51\.100)\./.test(e.src!)), 'internet scanners');
	});
});

describe('time zones and years', () => {
	test('a period crossing New Year in UTC writes ISO stamps to auth.log', async () => {
		const {dir, truth} = await generate({start: '2026-12-30', days: 4, users: 12});
		const text = fs.readFileSync(path.join(dir, 'auth.log'), 'utf8');
		assert.match(text, /^2026-12-30T\d{2}:\d{2}:\d{2}\.000000\+00:00 lnx-/);
		assert.match(text, /\n2027-01-0\dT/);
		const events = readAuthLog(path.join(dir, 'auth.log'), truth.syslog_year);
		assert.equal(events.filter(e => e.logon).length, truth.files[1]!.records);
	});

	test('office hours follow the site zone, also across a DST change', async () => {
		// US daylight saving time ends on Sunday 2026-11-01.
		const {dir} = await generate({start: '2026-10-28', days: 7, users: 20, tz: 'America/New_York'});
		const weekday = (ts: number) => localParts(ts, 'America/New_York').weekday;
		const events = readWindowsJson(path.join(dir, 'windows-security.ndjson'))
			.filter(e => e.logonType === 2 && e.outcome === 'success' && weekday(e.ts) >= 1 && weekday(e.ts) <= 5);
		const hours = events.map(e => localParts(e.ts, 'America/New_York').hour);
		assert.ok(hours.length > 50);
		assert.ok(hours.every(h => h >= 6 && h <= 11), `desk logons at local hours ${[...new Set(hours)].sort((a, b) => a - b).join(',')}`);
	});

	test('bad options are refused with a reason', async () => {
		await assert.rejects(generate({start: '2026-02-30'}), /calendar date/);
		await assert.rejects(generate({users: 5}), /users must be/);
		await assert.rejects(generate({tz: 'Mars/Olympus'}), /time zone/);
		await assert.rejects(generate({days: 0}), /days must be/);
	});
});
