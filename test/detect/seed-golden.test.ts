/**
 * Golden test on a generated week: `generateDataset` (seed 3, 7 days, 40 people, site in
 * Europe/Berlin across the 2026-10-25 DST change) writes each Windows-side format plus the sshd
 * auth.log; the files are read back with the independent parsers of test/generate/parse.ts (not
 * lateral's readers), turned into Logon records by SPEC 2/3, and the seed profiles' expected
 * rows are computed by the oracle. hunt() over a store holding those same records must agree.
 *
 * Two small cases are also pinned as JSON under test/golden/ (the oracle's answer, reviewed once):
 * regenerate them with UPDATE_GOLDEN=1 only after checking why they changed.
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {generateDataset, type GroundTruth, type WindowsFormat} from '../../source/generate/index.ts';
import {hunt} from '../../source/detect/hunt.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {dbWith} from '../helpers/logons.ts';
import {readAuthLog, readFalcon, readQradarJson, readWindowsJson, type ReadEvent} from '../generate/parse.ts';
import {logscaleOracle, qradarOracle, resultMismatch, type OracleOptions} from './seed-oracle.ts';

const HOUR = 3_600_000;
const FORMATS: WindowsFormat[] = ['windows-json', 'falcon', 'qradar-json'];
const SITE_TZ = 'Europe/Berlin';
const goldenDir = new URL('../golden/', import.meta.url);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-seed-golden-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

interface Week {
	truth: GroundTruth;
	logons: Logon[];
}

const weeks = new Map<WindowsFormat, Week>();

/** SPEC 2/3: one read event to a normalized logon. */
function toLogon(ev: ReadEvent, format: WindowsFormat | 'sshd'): Logon {
	assert.ok(ev.logon && ev.outcome && ev.logonType !== undefined && ev.user !== undefined && ev.target !== undefined);
	const byAddress = format === 'qradar-json';
	return {
		ts: ev.ts,
		outcome: ev.outcome,
		// Falcon UserLogon / UserLogonFailed2 count as 4624 / 4625; sshd has no event id.
		event_id: format === 'sshd' ? null : ev.outcome === 'success' ? 4624 : 4625,
		logon_type: ev.logonType,
		// Falcon leaves RemoteAddressIP4 out for console logons: a missing source.
		src_ip: ev.src ?? null,
		src_port: null,
		src_host: ev.srcHost ?? null,
		user: ev.user,
		domain: null,
		// QRadar names the target by destinationip; the others by host name.
		target: ev.target,
		dst_host: byAddress ? null : ev.target,
		dst_ip: byAddress ? ev.target : null,
		service: format === 'sshd' ? 'ssh' : ev.logonType === 10 ? 'rdp' : 'network',
		auth_package: null,
		log_source_type: format === 'qradar-json' ? ev.logSource ?? null : null,
		raw_ref: ev.line,
	};
}

before(async () => {
	for (const format of FORMATS) {
		const out = path.join(scratch, format);
		const truth = await generateDataset({out, seed: 3, days: 7, users: 40, start: '2026-10-22', tz: SITE_TZ, windowsFormat: format});
		const [win, linux] = truth.files;
		assert.ok(win && linux);
		const file = path.join(out, win.file);
		const events = format === 'windows-json' ? readWindowsJson(file) : format === 'falcon' ? readFalcon(file) : readQradarJson(file);
		const logons = events.filter(e => e.logon).map(e => toLogon(e, format));
		const ssh = readAuthLog(path.join(out, linux.file), truth.syslog_year).filter(e => e.logon).map(e => toLogon(e, 'sshd'));
		weeks.set(format, {truth, logons: [...logons, ...ssh]});
	}
});

const week = (format: WindowsFormat) => {
	const w = weeks.get(format);
	assert.ok(w, `no generated week for ${format}`);
	return w;
};

const runs: Array<{tz: string; window?: number | null; nowOffset?: number; limit?: number}> = [
	{tz: 'UTC'},
	{tz: SITE_TZ},
	{tz: SITE_TZ, window: null},
	{tz: 'America/New_York', window: 7 * 24 * HOUR},
	// The window ending a day and a half before the newest logon, around the DST change.
	{tz: SITE_TZ, window: 24 * HOUR, nowOffset: -36 * HOUR},
	{tz: SITE_TZ, window: null, limit: 5},
];

for (const format of FORMATS) {
	test(`generated week in ${format} + sshd: hunt() equals the oracle for qradar and logscale`, () => {
		const {logons} = week(format);
		assert.ok(logons.length > 1000, `${logons.length} logons`);
		const db = dbWith(logons);
		const newest = Math.max(...logons.map(l => l.ts));
		let rows = 0;
		for (const r of runs) {
			const now = r.nowOffset === undefined ? undefined : newest + r.nowOffset;
			const options: OracleOptions = {tz: r.tz, window: r.window, now};
			for (const profile of ['qradar', 'logscale'] as const) {
				const actual = hunt(db, {profile, tz: r.tz, window: r.window, now, limit: r.limit}).rows;
				const expected = (profile === 'qradar' ? qradarOracle : logscaleOracle)(logons, options) as unknown as Array<Record<string, unknown>>;
				assert.equal(resultMismatch(actual, expected, r.limit), undefined, `${format} ${profile} ${JSON.stringify(r)}`);
				rows += actual.length;
			}
		}

		assert.ok(rows > 20, `only ${rows} rows over all runs`);
		db.close();
	});
}

test('the week holds what the seeds look at: sshd type 10, failures, local sources, other types and log sources', () => {
	const win = week('windows-json').logons;
	assert.ok(win.some(l => l.service === 'ssh' && l.logon_type === 10));
	assert.ok(win.some(l => l.outcome === 'failure'));
	assert.ok(win.some(l => l.src_ip === '127.0.0.1'));
	assert.ok(win.some(l => l.logon_type === 2) && win.some(l => l.logon_type === 11));
	assert.ok(win.some(l => l.user?.endsWith('$')));
	assert.ok(week('falcon').logons.some(l => l.src_ip === null));
	assert.ok(week('qradar-json').logons.some(l => l.log_source_type === 'Linux OS'));
});

/** The pinned small cases: the oracle's rows and hunt()'s rows must both equal the file. */
const goldens: Array<{file: string; format: WindowsFormat; profile: 'qradar' | 'logscale'}> = [
	{file: 'seed3-qradar-json-qradar-24h-berlin.json', format: 'qradar-json', profile: 'qradar'},
	{file: 'seed3-falcon-logscale-all-berlin.json', format: 'falcon', profile: 'logscale'},
];

for (const g of goldens) {
	test(`golden ${g.file}`, () => {
		const {logons} = week(g.format);
		const expected = (g.profile === 'qradar' ? qradarOracle : logscaleOracle)(logons, {tz: SITE_TZ}) as unknown as Array<Record<string, unknown>>;
		const file = new URL(g.file, goldenDir);
		if (process.env['UPDATE_GOLDEN'] === '1') {
			fs.mkdirSync(goldenDir, {recursive: true});
			fs.writeFileSync(file, `${JSON.stringify(expected, null, '\t')}\n`);
		}

		const pinned = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
		assert.ok(pinned.length > 0);
		assert.equal(resultMismatch(expected, pinned), undefined, 'the oracle no longer gives the pinned rows (did the generator change?)');
		const db = dbWith(logons);
		assert.equal(resultMismatch(hunt(db, {profile: g.profile, tz: SITE_TZ}).rows, pinned), undefined);
		db.close();
	});
}
