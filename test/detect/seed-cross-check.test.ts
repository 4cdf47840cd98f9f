/**
 * Randomized cross-check of the seed profiles against the reference oracle (seed-oracle.ts):
 * a seeded generator builds a few hundred logons full of the values the rules turn on (boundary
 * hours around a DST change, window bounds, the special users and sources, mixed case, null
 * targets), loads them into an in-memory store, runs hunt() for `qradar` and `logscale` under
 * several zone / window / now / limit combinations, and compares every row and column with the
 * oracle. Ties in the seed's order may come in any order (see resultMismatch).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {hunt} from '../../source/detect/hunt.ts';
import type {HuntOptions} from '../../source/detect/types.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {dbWith} from '../helpers/logons.ts';
import {
	dateformat, hourIn, logscaleOracle, qradarOracle, ratioHundredths, resultMismatch, type OracleOptions,
} from './seed-oracle.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SEEDS = 25;

/** mulberry32: a tiny seeded PRNG giving floats in [0, 1). */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6D2B79F5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

class Rng {
	readonly next: () => number;
	constructor(seed: number) {
		this.next = mulberry32(seed);
	}

	int(lo: number, hi: number): number {
		return lo + Math.floor(this.next() * (hi - lo + 1));
	}

	pick<T>(list: readonly T[]): T {
		return list[Math.floor(this.next() * list.length)]!;
	}

	chance(p: number): boolean {
		return this.next() < p;
	}
}

// Ordinary values come often, the special ones often enough to matter.
const SOURCES = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'] as const;
const ODD_SOURCES = ['127.0.0.1', '0.0.0.0', '-', '', null, '127.0.0.2'] as const;
const USERS = ['alice', 'Alice', 'bob', 'admin', 'svc-sql', 'BackupOp'] as const;
const ODD_USERS = [
	'ALICE', 'Administrator', 'SVC-SQL', 'sqlservice', 'backup', 'WS01$', 'ws01$', 'Ws01$', 'ANONYMOUS LOGON', 'anonymous logon',
	'LOCAL SERVICE', 'Local Service', 'NETWORK SERVICE', 'network service', '', null, 'pay$roll', 'adm-x', 'svc_x', 'xAdMiNx',
] as const;
const TARGETS = ['SRV1', 'SRV2', 'SRV3', 'SRV4', 'SRV5', 'srv1', 'Srv2', '10.0.1.7', null] as const;
const LOGON_TYPES = [3, 3, 3, 10, 10, 2, 11, null] as const;
const LOG_SOURCES = [null, null, null, 'Microsoft Windows Security Event Log', 'microsoft WINDOWS SECURITY event log', 'Linux OS', ''] as const;

/** Instants where a zone's wall clock changes its offset (or just a morning), to build times around. */
const ANCHORS: Record<string, string[]> = {
	'UTC': ['2026-11-05T06:00:00Z'],
	// 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
	'Europe/Berlin': ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'],
	// 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
	'America/New_York': ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'],
	// UTC+5:30 all year: 06:00 local is 00:30Z.
	'Asia/Kolkata': ['2026-11-05T00:30:00Z'],
	// UTC-3:30; the changes fall on half hours UTC: 2026-03-08 05:30Z and 2026-11-01 04:30Z.
	// (Failing when written: the store's local_time() is an hour off in the half hour after each.)
	'America/St_Johns': ['2026-03-08T05:30:00Z', '2026-11-01T04:30:00Z'],
};

interface Case {
	logons: Logon[];
	runs: Array<{now?: number; window?: number | null; limit?: number}>;
}

function buildCase(seed: number, tz: string): Case {
	const rng = new Rng(seed * 7919 + tz.length);
	const anchor = Date.parse(rng.pick(ANCHORS[tz]!));
	// Times on 30-minute marks are a local hour boundary in every zone here; +-1 ms around them.
	const mark = () => anchor + rng.int(-60, 60) * 30 * MINUTE + rng.pick([0, 0, -1, 1, 0, 15 * MINUTE, 59_999, -59_999]);
	const times: number[] = [];
	const count = rng.int(150, 400);
	for (let i = 0; i < count; i++) times.push(mark());
	const newest = Math.max(...times);
	const now = rng.chance(0.5) ? undefined : rng.chance(0.5) ? newest : anchor + rng.int(-12, 24) * 30 * MINUTE;
	const windows: Array<number | null | undefined> = [undefined, null, 24 * HOUR, HOUR, 7 * 24 * HOUR, 6 * HOUR];
	const window = rng.pick(windows);
	// Put some logons exactly on (and 1 ms either side of) the window bounds.
	const end = now ?? newest;
	const length = window ?? 24 * HOUR;
	const bounds = [end, end + 1, end - 1, end - length, end - length - 1, end - length + 1];

	const logons: Logon[] = [];
	for (let i = 0; i < count; i++) {
		const outcome = rng.chance(0.4) ? 'failure' : 'success';
		const target = rng.pick(TARGETS);
		const eventId = rng.chance(0.1) ? null : outcome === 'failure' ? 4625 : 4624;
		const ts = rng.chance(0.1) ? rng.pick(bounds) : times[i]!;
		const logonType = rng.pick(LOGON_TYPES);
		logons.push({
			ts,
			outcome,
			event_id: eventId,
			logon_type: logonType,
			src_ip: rng.chance(0.15) ? rng.pick(ODD_SOURCES) : rng.pick(SOURCES),
			src_port: null,
			src_host: null,
			user: rng.chance(0.3) ? rng.pick(ODD_USERS) : rng.pick(USERS),
			domain: 'CORP',
			target,
			dst_host: target,
			dst_ip: null,
			service: logonType === 10 ? 'rdp' : 'network',
			auth_package: null,
			log_source_type: rng.pick(LOG_SOURCES),
			raw_ref: i + 1,
		});
	}

	// Now and then one big group whose failure ratio sits just around 0.5 (0.495..0.51), where
	// rounding to two places decides LogScale's failure points; all inside the window.
	if (rng.chance(0.6)) {
		const n = rng.int(99, 210);
		const failed = Math.round(n / 2) + rng.int(-1, 2);
		for (let i = 0; i < n; i++) {
			const target = rng.pick(['SRV1', 'SRV2', 'SRV3', null]);
			logons.push({
				ts: end - rng.int(0, 50) * MINUTE, outcome: i < failed ? 'failure' : 'success', event_id: i < failed ? 4625 : 4624,
				logon_type: 3, src_ip: '10.0.0.9', src_port: null, src_host: null, user: rng.pick(['heavy', 'svc-heavy']), domain: 'CORP',
				target, dst_host: target, dst_ip: null, service: 'network', auth_package: null, log_source_type: null, raw_ref: count + i + 1,
			});
		}
	}

	const runs: Case['runs'] = [{now, window}, {now, window: rng.pick(windows)}];
	runs.push({now: rng.chance(0.5) ? undefined : end, window: rng.pick(windows), limit: rng.int(1, 6)});
	return {logons, runs};
}

/** Rows and features seen over all runs: the check is only worth something if these are not zero. */
const seen = {heavyRatios: new Set<number>(), qradar: 0, logscale: 0, qradarFailurePoints: 0, logscaleFailurePoints: 0, afterHours: 0, dayOnly: 0, limited: 0};

function crossCheck(tz: string): void {
	const failures: string[] = [];
	for (let seed = 1; seed <= SEEDS; seed++) {
		const c = buildCase(seed, tz);
		const db = dbWith(c.logons);
		for (const r of c.runs) {
			const options: HuntOptions & OracleOptions = {profile: '', tz, ...r};
			const full: OracleOptions = {tz, now: r.now, window: r.window};
			for (const profile of ['qradar', 'logscale'] as const) {
				const actual = hunt(db, {...options, profile}).rows;
				const expected = (profile === 'qradar' ? qradarOracle : logscaleOracle)(c.logons, full) as unknown as Array<Record<string, unknown>>;
				const why = resultMismatch(actual, expected, r.limit);
				if (why) failures.push(`seed ${seed} ${profile} ${JSON.stringify(r)}: ${why}`);
				seen[profile] += actual.length;
				if (r.limit !== undefined && expected.length > r.limit) seen.limited++;
				for (const row of expected) {
					if (profile === 'qradar') {
						const s = row['suspicion_score'] as number;
						const parts = (row['unique_target_hosts'] as number) + (row['any_after_hours'] as number)
							+ (/admin|svc-/.test(String(row['target_user']).toLowerCase()) ? 1 : 0);
						if (s - parts === 2) seen.qradarFailurePoints++;
					} else {
						if (row['RemoteAddressIP4'] === '10.0.0.9') seen.heavyRatios.add(row['FailedRatio'] as number);
						if ((row['FailedRatio'] as number) > 0.5 && (row['TotalLogons'] as number) > (row['FailedLogons'] as number)) seen.logscaleFailurePoints++;
					}

					const after = row['any_after_hours'] ?? row['AnyAfterHours'];
					if (after === 1) seen.afterHours++;
					else seen.dayOnly++;
				}
			}
		}

		db.close();
	}

	assert.deepEqual(failures.slice(0, 5), [], `${failures.length} mismatches in ${tz}`);
}

test('the oracle itself: rounding, local times and the hour are what the SPEC says', () => {
	assert.equal(ratioHundredths(1, 2), 50);
	assert.equal(ratioHundredths(63, 125), 50);
	assert.equal(ratioHundredths(101, 200), 51);
	assert.equal(ratioHundredths(99, 200), 50);
	assert.equal(ratioHundredths(1, 8), 13);
	assert.equal(ratioHundredths(49, 99), 49);
	assert.equal(ratioHundredths(0, 5), 0);
	assert.equal(ratioHundredths(5, 5), 100);
	assert.equal(dateformat(Date.parse('2026-03-29T00:59:59.999Z'), 'Europe/Berlin'), '2026-03-29 01:59:59');
	assert.equal(dateformat(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Berlin'), '2026-03-29 03:00:00');
	assert.equal(dateformat(Date.parse('2026-03-08T05:45:00Z'), 'America/St_Johns'), '2026-03-08 03:15:00');
	assert.equal(dateformat(Date.parse('2026-11-05T00:00:00Z'), 'UTC'), '2026-11-05 00:00:00');
	assert.equal(hourIn(Date.parse('2026-11-05T05:59:59.999Z'), 'UTC'), 5);
	assert.equal(hourIn(Date.parse('2026-11-05T06:00:00Z'), 'UTC'), 6);
	assert.equal(hourIn(Date.parse('2026-11-05T00:29:59.999Z'), 'Asia/Kolkata'), 5);
	assert.equal(hourIn(Date.parse('2026-11-05T00:30:00Z'), 'Asia/Kolkata'), 6);
	assert.equal(hourIn(Date.parse('2026-11-04T23:00:00Z'), 'Europe/Berlin'), 0);
});

for (const tz of Object.keys(ANCHORS)) {
	test(`hunt() equals the oracle on ${SEEDS} random stores, both profiles, in ${tz}`, () => {
		crossCheck(tz);
	});
}

test('the random stores exercised the rules (the cross-check is not vacuous)', () => {
	assert.ok(seen.qradar > 100, `qradar rows ${seen.qradar}`);
	assert.ok(seen.logscale > 100, `logscale rows ${seen.logscale}`);
	assert.ok(seen.qradarFailurePoints > 5, `qradar failure points ${seen.qradarFailurePoints}`);
	assert.ok(seen.logscaleFailurePoints > 5, `logscale failure points ${seen.logscaleFailurePoints}`);
	assert.ok(seen.afterHours > 20 && seen.dayOnly > 20, `after hours ${seen.afterHours} / ${seen.dayOnly}`);
	// Ratios around 0.5 that round to 0.5 and to 0.51 both came up.
	assert.ok(seen.heavyRatios.has(0.5) && seen.heavyRatios.has(0.51), `heavy ratios ${[...seen.heavyRatios].join(' ')}`);
	assert.ok(seen.limited > 5, `limited runs ${seen.limited}`);
});
