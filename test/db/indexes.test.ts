/**
 * The pivots' statements use an index for every entity kind (EXPLAIN QUERY PLAN), including
 * targets matched case-insensitively (migration 0005), over the logons with a time window and
 * over the load-time totals without one (migrations 0006 and 0008); bulk loads that defer the index
 * builds leave the same indexes behind.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Db} from '../../source/db/open.ts';
import {openDb, openMemoryDb} from '../../source/db/open.ts';
import {distinctEntities, entityGroups, entitySummary, pairEvents, timelineBuckets, type PivotKind} from '../../source/db/pivots.ts';
import {finishDataset, insertDataset, logonInserter, logonSpan, DAY_PAIRS, PAIRS, queryEvents} from '../../source/db/store.ts';
import {loadFile} from '../../source/ingest/load.ts';
import {addDataset, dbWith, logon} from '../helpers/logons.ts';
import {keepHoursFrom} from '../helpers/totals.ts';

const T0 = Date.parse('2026-11-05T02:00:00Z');

/** `db` with prepare() recording the SQL text of every statement a pivot function prepares. */
function recording(db: Db): {db: Db; sql: string[]} {
	const sql: string[] = [];
	const proxy = new Proxy(db, {
		get(target, key) {
			if (key === 'prepare') return (text: string) => {
				sql.push(text);
				return target.prepare(text);
			};

			const value = Reflect.get(target, key, target) as unknown;
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
	});
	return {db: proxy, sql};
}

function plan(db: Db, sql: string, params: Record<string, unknown>): string {
	const used = Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`[@:$]${k}\\b`).test(sql)));
	return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(used) as Array<{detail: string}>).map(r => r.detail).join('\n');
}

// Users spelled two ways (adm-jdoe, Adm-JDoe) and one way (alice); targets two ways and one way.
// Every name's hours kept in hour_totals (keepHoursFrom 1; by default only names with many logons).
const base = openMemoryDb();
keepHoursFrom(base, 1);
addDataset(base, [
	logon({ts: T0, src_ip: '10.0.0.5', user: 'adm-jdoe', target: 'SRV-DB01'}),
	logon({ts: T0 + 1, src_ip: '10.0.0.6', user: 'alice', target: 'srv-db01', outcome: 'failure'}),
	logon({ts: T0 + 2, src_ip: '10.0.0.5', user: 'Adm-JDoe', target: 'SRV-FS01'}),
]);

const INDEX_OF: Record<PivotKind, string> = {src: 'logons_src', user: 'logons_user', target: 'logons_target'};
const TOTALS_INDEX_OF: Record<PivotKind, string> = {src: 'pair_totals_src', user: 'pair_totals_user', target: 'pair_totals_target'};
/** A name spelled once and (for users and targets) a name spelled several ways. */
const VALUES: Record<PivotKind, string[]> = {src: ['10.0.0.5'], user: ['ALICE', 'ADM-JDOE'], target: ['srv-fs01', 'Srv-Db01']};
const PARAMS = {since: T0, until: null, limit: 10, offset: 0, tz: 'UTC'};

for (const kind of ['src', 'user', 'target'] as const) {
	test(`every windowed pivot by ${kind} searches ${INDEX_OF[kind]} instead of scanning logons`, () => {
		const {db, sql} = recording(base);
		const [value] = VALUES[kind];
		entitySummary(db, kind, value!, {since: T0});
		entityGroups(db, kind, value!, {limit: 10, offset: 0}, {since: T0});
		timelineBuckets(db, {kind, value: value!}, 'UTC', {since: T0});
		assert.equal(sql.length, 4, 'summary, group count, groups, timeline');
		for (const text of sql) {
			const p = plan(base, text, {value, ...PARAMS});
			assert.match(p, new RegExp(`SEARCH logons USING INDEX ${INDEX_OF[kind]}`), `${text}\n${p}`);
			assert.doesNotMatch(p, /SCAN logons/, p);
		}
	});

	test(`the console's pivots by ${kind} (no window) search the totals' indexes, a page of one spelling stopping at its end`, () => {
		for (const value of VALUES[kind]) {
			const {db, sql} = recording(base);
			entitySummary(db, kind, value);
			entityGroups(db, kind, value, {limit: 10, offset: 0});
			// Names (prepared once), then the page; for several spellings a group count and the groups.
			assert.equal(sql.length, value === VALUES[kind][1] ? 3 : 2, sql.join('\n'));
			for (const text of sql) {
				const p = plan(base, text, {value, ...PARAMS});
				const index = /FROM entity_totals/.test(text)
					? kind === 'src' ? 'SEARCH entity_totals USING PRIMARY KEY \\(kind=\\? AND value=\\?\\)' : 'SEARCH entity_totals USING INDEX entity_totals_nocase'
					: `SEARCH pair_totals USING INDEX ${TOTALS_INDEX_OF[kind]}`;
				assert.match(p, new RegExp(index), `${text}\n${p}`);
				assert.doesNotMatch(p, /SCAN (?!\(subquery)|logons/, p);
				// One spelling: rows come in the index's recency order (only ties are sorted), so a
				// page reads its own rows, not every row of the entity.
				if (/LIMIT/.test(text) && !/GROUP BY/.test(text)) assert.doesNotMatch(p, /TEMP B-TREE FOR ORDER BY/, p);
			}
		}
	});

	test(`the console's timeline by ${kind} (no window) reads the entity's spellings, then their hours by the hour totals' key`, () => {
		for (const value of VALUES[kind]) {
			const {db, sql} = recording(base);
			assert.deepEqual(timelineBuckets(db, {kind, value}, 'UTC'), timelineBuckets(base, {kind, value}, 'UTC', {since: 0}));
			assert.equal(sql.length, 2, sql.join('\n'));
			const spellings = kind === 'src' ? /SEARCH entity_totals USING PRIMARY KEY \(kind=\? AND value=\?\)/ : /SEARCH entity_totals USING (COVERING )?INDEX entity_totals_nocase/;
			// Whether hour_totals holds the spellings' hours, then the hours.
			const kept = plan(base, sql[0]!, {value});
			assert.match(kept, spellings, kept);
			assert.doesNotMatch(kept, /SCAN (?!hour_totals_min)|logons|hour_totals\b/, kept);
			const p = plan(base, sql[1]!, {value});
			assert.match(p, /SEARCH hour_totals USING PRIMARY KEY \(kind=\? AND value=\?\)/, p);
			assert.match(p, spellings, p);
			assert.doesNotMatch(p, /SCAN|logons/, p);
		}
	});
}

test('the search index reads the names\' totals, and loads fold a dataset through its id range and the totals\' key', () => {
	const {db, sql} = recording(base);
	distinctEntities(db);
	assert.deepEqual(plan(base, sql[0]!, {}).split('\n').filter(l => /entity_totals/.test(l)), Array(3).fill('SEARCH entity_totals USING PRIMARY KEY (kind=?)'));

	const fresh = dbWith([logon()]);
	const folds = recording(fresh);
	fresh.transaction(() => {
		const id = insertDataset(fresh, {path: '/fixtures/more.json', format: 'windows-json', sha256: 'm'.repeat(64)});
		logonInserter(fresh, id)(logon());
		finishDataset(folds.db, id, {records: 1, rejected: 0, skipped: 0, first_ts: T0, last_ts: T0, time_field: null});
	})();
	// The staging table the fold reads, as the fold makes it (dropped again after each fold).
	fresh.exec('CREATE TEMP TABLE dataset_fold_rows (src_ip, user, target, logons, failed, first_ts, last_ts)');
	const collect = plan(fresh, folds.sql.find(text => /INSERT INTO temp\.dataset_fold_rows\s+SELECT/.test(text))!, {after: 0, last: 1, id: 1});
	assert.match(collect, /SEARCH logons USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/, collect);
	assert.doesNotMatch(collect, /SCAN logons\b/, collect);
	const mark = plan(fresh, folds.sql.find(text => /CREATE TEMP TABLE dataset_fold AS/.test(text))!, {});
	assert.match(mark, /SEARCH p USING INDEX pair_totals_key/, mark);
	assert.doesNotMatch(mark, /SCAN p\b/, mark);
	// The hour totals, one statement per kind, read the same range; the hours of the names that
	// reach hour_totals_min, through the index of their column (not every logon before the range:
	// users and targets are indexed case-insensitively, and a plain IN read them all).
	fresh.exec('CREATE TEMP TABLE hour_fold_rows (kind, value, hour, logons, failed); CREATE TEMP TABLE hour_fold_names (kind, value)');
	const hours = folds.sql.filter(text => /INSERT INTO temp\.hour_fold_rows[\s\S]*FROM logons/.test(text));
	assert.equal(hours.length, 6);
	for (const text of hours) {
		const p = plan(fresh, text, {after: 0, last: 1, id: 1});
		if (/id > @after/.test(text)) assert.match(p, /SEARCH logons USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/, p);
		else assert.match(p, /SEARCH logons USING INDEX logons_(src|user|target) \((src_ip|user|target)=\?\)/, p);
		assert.doesNotMatch(p, /SCAN logons\b/, p);
	}
});

test('a load asks the span of the logons\' ids from the two ends of the rowid, not by reading every row', () => {
	const {db, sql} = recording(base);
	assert.equal(logonSpan(db), 3);
	const p = plan(base, sql[0]!, {});
	assert.deepEqual(p.split('\n').filter(l => /logons/.test(l)), ['SEARCH logons', 'SEARCH logons'], p);
});

test('lateral events --dataset reads the dataset\'s id range (no index on dataset_id)', () => {
	const {db, sql} = recording(base);
	queryEvents(db, {dataset: 1});
	const p = plan(base, sql[0]!, {dataset: 1, limit: -1});
	assert.match(p, /SEARCH l USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/, p);
	assert.doesNotMatch(p, /SCAN l\b/, p);
	assert.equal(queryEvents(base, {dataset: 1}).length, 3);
});

test('targets match case-insensitively through the index', () => {
	assert.equal(entitySummary(base, 'target', 'SRV-DB01').total, 2);
	assert.equal(entitySummary(base, 'target', 'srv-DB01').failed, 1);
});

test('a pair\'s events search an index', () => {
	const {db, sql} = recording(base);
	pairEvents(db, '10.0.0.5', 'adm-jdoe', {limit: 10, offset: 0});
	for (const profile of [null, 'qradar']) {
		const p = plan(base, sql[0]!, {src: '10.0.0.5', user: 'adm-jdoe', since: null, until: null, limit: 10, offset: 0, profile, today: T0});
		assert.doesNotMatch(p, /SCAN l\b|SCAN logons/, `${profile}: ${p}`);
	}
});

test('a bulk load that defers the index builds leaves the same indexes, and the same rows, as row-by-row loading', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-indexes-'));
	try {
		const lines = Array.from({length: 300}, (_, i) => JSON.stringify({EventID: 4624 + (i % 2), TimeCreated: new Date(T0 + i * 1000).toISOString(),
			Computer: `HOST${i % 7}`, TargetUserName: `user${i % 11}`, TargetDomainName: 'CORP', LogonType: '3', IpAddress: `10.0.0.${i % 5}`, IpPort: '50000'}));
		const first = path.join(dir, 'a.ndjson');
		const second = path.join(dir, 'b.ndjson');
		fs.writeFileSync(first, `${lines.slice(0, 200).join('\n')}\n`);
		fs.writeFileSync(second, `${lines.slice(200).join('\n')}\n`);
		const db = openDb(path.join(dir, 'x.sqlite'));
		const indexes = () => db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('logons', 'pair_totals') ORDER BY name`).all();
		const before = indexes();
		assert.deepEqual(before.map(i => (i as {name: string}).name), ['logons_src', 'logons_target', 'logons_ts', 'logons_user', 'pair_totals_key', 'pair_totals_src', 'pair_totals_target', 'pair_totals_user']);
		// A cancelled load into an empty table (deferred builds) gives every dropped index back.
		assert.equal((await loadFile(db, first, {tz: 'UTC', cancelled: () => true})).status, 'refused');
		assert.deepEqual(indexes(), before);
		// The first file goes into an empty table (deferred builds); the second into a larger one.
		assert.equal((await loadFile(db, first, {tz: 'UTC'})).status, 'loaded');
		assert.deepEqual(indexes(), before);
		assert.equal((await loadFile(db, second, {tz: 'UTC'})).status, 'loaded');
		assert.deepEqual(indexes(), before);
		// Every index holds every row of its table (the rebuilt ones included).
		assert.equal((db.prepare('PRAGMA integrity_check').get() as {integrity_check: string}).integrity_check, 'ok');
		const rows = db.prepare('SELECT raw_ref, ts, user, target, outcome FROM logons ORDER BY id').all() as Array<{raw_ref: number}>;
		assert.equal(rows.length, 300);
		assert.deepEqual(rows.slice(198, 202).map(r => r.raw_ref), [199, 200, 1, 2]);
		db.close();
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('the seed profiles read a time window through the ts index, whole days from a range of hunt_days, and every day from hunt_pairs or hunt_targets', async () => {
	const {huntQuery} = await import('../../source/detect/hunt.ts');
	for (const profile of ['qradar', 'logscale']) {
		const plan = (window: number | null, tz = 'UTC') => {
			const {sql, params} = huntQuery(base, {profile, window, tz});
			return (base.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{detail: string}>).map(r => r.detail).join('\n');
		};

		for (const p of [plan(86_400_000), plan(null), plan(null, 'Asia/Kolkata')]) {
			assert.match(p, /SEARCH l USING INDEX logons_ts/, `${profile}:\n${p}`);
			// Whole days: one range of hunt_days' key (day first), not a pass over all of it.
			if (profile === 'logscale') assert.match(p, /CO-ROUTINE days\nSEARCH hunt_days USING PRIMARY KEY \(day>\? AND day<\?\)\n/, `${profile}:\n${p}`);
			else {
				// qradar: one day is read by its key alone, from hunt_day_pairs (a row per pair), or
				// (an allowlist entry naming targets) from hunt_days, grouped as it comes: no sort
				// either way; several days are a range, sorted. The days' pairs and the rest's meet
				// through automatic indexes.
				assert.match(p, /MATERIALIZE days\nCOMPOUND QUERY\nLEFT-MOST SUBQUERY\nSEARCH hunt_day_pairs USING PRIMARY KEY \(day=\?\)\n/, `${profile}:\n${p}`);
				assert.match(p, /\nUNION ALL\nSEARCH hunt_days USING PRIMARY KEY \(day=\?\)\n/, `${profile}:\n${p}`);
				const several = p.indexOf('(day>? AND day<?)');
				const oneDay = p.slice(p.indexOf('(day=?)'), p.lastIndexOf('\nUNION ALL\n', several));
				assert.ok(oneDay.includes('SEARCH hunt_days USING PRIMARY KEY (day=?)'), `${profile}:\n${p}`);
				assert.doesNotMatch(oneDay, /TEMP B-TREE/, `${profile}:\n${p}`);
				assert.match(p, /\nUNION ALL\nSEARCH hunt_days USING PRIMARY KEY \(day>\? AND day<\?\)\n/, `${profile}:\n${p}`);
				assert.match(p, /\nSCAN d\nSEARCH r USING AUTOMATIC COVERING INDEX \(src_ip=\? AND user=\?\) LEFT-JOIN\n/, `${profile}:\n${p}`);
				assert.match(p, /\nSCAN r\n(CORRELATED SCALAR SUBQUERY \d+\n)?SEARCH d USING AUTOMATIC COVERING INDEX \(src_ip=\? AND user=\?\)\n/, `${profile}:\n${p}`);
			}
			// Every day: one pass over hunt_pairs, or (an allowlist entry naming targets) over
			// hunt_targets, each in key order (grouped with no sort); around a clock change, hunt_days
			// read once into the list of pairs with an after-hours logon (not once per pair).
			assert.match(p, /MATERIALIZE every_day_pairs\nCOMPOUND QUERY\nLEFT-MOST SUBQUERY\n(CO-ROUTINE pair_kinds\n)?SCAN hunt_pairs\n/, `${profile}:\n${p}`);
			assert.match(p, /\nUNION ALL\nSCAN hunt_targets\n/, `${profile}:\n${p}`);
			assert.match(p, /\nLIST SUBQUERY \d+\nSCAN hunt_days\n/, `${profile}:\n${p}`);
			assert.doesNotMatch(p, /CORRELATED[^\n]*\n(SCAN|SEARCH) hunt_days/, `${profile}:\n${p}`);
			const [from, to] = [p.indexOf('MATERIALIZE every_day_pairs'), p.indexOf('SCAN l\n')];
			assert.ok(from >= 0 && to > from, `${profile}: every_day reads every_day_pairs\n${p}`);
			const everyDay = p.slice(from, to);
			assert.doesNotMatch(everyDay, /USE TEMP B-TREE FOR GROUP BY/, `${profile}:\n${p}`);
		}
	}
});

test('lateral reads the logons once whole, and the moves out of a hop\'s middle host by source and time', async () => {
	const {huntQuery} = await import('../../source/detect/hunt.ts');
	for (const allowlist of [false, true]) {
		const {sql, params} = huntQuery(base, {profile: 'lateral', tz: 'Asia/Kolkata', allowlist});
		const p = (base.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{detail: string}>).map(r => r.detail).join('\n');
		// base: one pass over the table (the window is most of it).
		assert.equal(p.match(/SCAN l\n/g)?.length, 1, p);
		// onward: the few pairs that could hop, each one range of logons_src, not the window's
		// logons picked out one by one.
		assert.match(p, /MATERIALIZE onward\n(.*\n)*?SCAN h\nSEARCH l USING INDEX logons_src \(src_ip=\? AND ts>\? AND ts<\?\)\n/, p);
		assert.doesNotMatch(p, /SEARCH l USING (COVERING )?INDEX logons_ts/, p);
	}
});

test('a load rebuilds the pair totals of the pairs it touched by their key, reading no other pair', () => {
	base.exec(PAIRS.touched);
	base.exec(`INSERT OR IGNORE INTO temp.touched_pairs VALUES ('10.0.0.5', 'adm-jdoe')`);
	try {
		for (const text of PAIRS.rebuild.slice(0, -1)) {
			const p = plan(base, text, {});
			assert.doesNotMatch(p, /SCAN (hunt_pairs|hunt_targets|t)\b/, `${text}\n${p}`);
			assert.match(p, /SEARCH (hunt_pairs|t) USING PRIMARY KEY \(src_ip=\? AND user=\?\)/, `${text}\n${p}`);
		}
	} finally {
		base.exec('DROP TABLE temp.touched_pairs');
	}
});

test('a load rebuilds the day pair totals of the (day, source, user) it touched by their key, reading no other', () => {
	base.exec(DAY_PAIRS.touched);
	base.exec(`INSERT OR IGNORE INTO temp.touched_day_pairs VALUES (20397, '10.0.0.5', 'adm-jdoe')`);
	try {
		for (const text of DAY_PAIRS.rebuild.slice(0, -1)) {
			const p = plan(base, text, {});
			assert.doesNotMatch(p, /SCAN (hunt_day_pairs|hunt_days|t)\b/, `${text}\n${p}`);
			assert.match(p, /SEARCH (hunt_day_pairs|t) USING PRIMARY KEY \(day=\? AND src_ip=\? AND user=\?\)/, `${text}\n${p}`);
		}
	} finally {
		base.exec('DROP TABLE temp.touched_day_pairs');
	}
});

test('allowlist suggestions read the logons once, with no subquery per source', async () => {
	const {querySql} = await import('../../source/detect/profiles.ts');
	const {SUGGEST_DEFAULTS} = await import('../../source/allowlist/suggest.ts');
	const p = (base.prepare(`EXPLAIN QUERY PLAN ${querySql('allowlist-suggestions.sql')}`).all({...SUGGEST_DEFAULTS, tz: 'UTC'}) as Array<{detail: string}>)
		.map(r => r.detail).join('\n');
	// A subquery per source over every logon took 41-44 s on 80,000 logons, over ten minutes on 1.13M.
	assert.doesNotMatch(p, /CORRELATED/, p);
	assert.equal(p.match(/SCAN logons/g)?.length, 1, p);
});
