/**
 * repeatedLogons (source/db/repeats.ts): the logons of a dataset that another dataset already
 * holds, checked against hand-counted fixtures: twins across datasets in any target case, logons
 * that differ in one compared field, logons without a target, a file's own repeated rows, time
 * spans that do not meet, and several earlier datasets. Also the line `lateral load` prints.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openMemoryDb} from '../../source/db/open.ts';
import {repeatedLogons} from '../../source/db/repeats.ts';
import {describeRepeats} from '../../source/commands/load.ts';
import {addDataset, DEFAULT_TS, logon} from '../helpers/logons.ts';

const MIN = 60_000;

test('a file repeating part of an earlier one: its twins counted, near misses not', () => {
	const db = openMemoryDb();
	const first = addDataset(db, [
		logon({ts: DEFAULT_TS, target: 'SRV1'}),
		logon({ts: DEFAULT_TS + MIN, user: 'bob', outcome: 'failure'}),
		logon({ts: DEFAULT_TS + 2 * MIN, target: null, dst_ip: null, dst_host: null}),
		logon({ts: DEFAULT_TS + 3 * MIN}),
	], {path: '/case/monday/Security.evtx'});
	const second = addDataset(db, [
		// Twins: same time, outcome, type, source, user; target in another case; port and event id not compared.
		logon({ts: DEFAULT_TS, target: 'srv1', src_port: 50123, event_id: null}),
		logon({ts: DEFAULT_TS + MIN, user: 'bob', outcome: 'failure'}),
		logon({ts: DEFAULT_TS + 2 * MIN, target: null, dst_ip: null, dst_host: null}),
		// Not twins: one field differs each.
		logon({ts: DEFAULT_TS + 3 * MIN + 1}),
		logon({ts: DEFAULT_TS + 3 * MIN, user: 'Alice'}),
		logon({ts: DEFAULT_TS + 3 * MIN, src_ip: '10.0.0.6'}),
		logon({ts: DEFAULT_TS + 3 * MIN, outcome: 'failure'}),
		logon({ts: DEFAULT_TS + 3 * MIN, logon_type: 10}),
		logon({ts: DEFAULT_TS + 3 * MIN, target: 'SRV2'}),
		logon({ts: DEFAULT_TS + MIN, user: 'bob', outcome: 'failure', target: null, dst_ip: null, dst_host: null}),
	], {path: '/case/tuesday/Security.evtx'});
	assert.deepEqual(repeatedLogons(db, second), {logons: 3, datasets: [{id: first, path: '/case/monday/Security.evtx', logons: 3}]});
	// Seen from the first file, the same three.
	assert.deepEqual(repeatedLogons(db, first), {logons: 3, datasets: [{id: second, path: '/case/tuesday/Security.evtx', logons: 3}]});
});

test('a file alone, or beside files of other days, repeats nothing; its own equal rows are not repeats', () => {
	const db = openMemoryDb();
	const alone = addDataset(db, [logon(), logon(), logon({ts: DEFAULT_TS + MIN})]);
	assert.equal(repeatedLogons(db, alone), undefined);
	const later = addDataset(db, [logon({ts: DEFAULT_TS + 2 * MIN}), logon({ts: DEFAULT_TS + 3 * MIN})]);
	assert.equal(repeatedLogons(db, later), undefined);
	assert.equal(repeatedLogons(db, alone), undefined);
});

test('only the shared time span is compared, and each twin counts once, for the earliest dataset holding it', () => {
	const db = openMemoryDb();
	const a = addDataset(db, [logon({ts: DEFAULT_TS}), logon({ts: DEFAULT_TS + MIN})], {path: '/a.json'});
	const b = addDataset(db, [logon({ts: DEFAULT_TS + MIN}), logon({ts: DEFAULT_TS + 2 * MIN})], {path: '/b.json'});
	// c holds a's first logon, the logon a and b share, and b's last: 3 twins, two for a, one for b.
	const c = addDataset(db, [logon({ts: DEFAULT_TS}), logon({ts: DEFAULT_TS + MIN}), logon({ts: DEFAULT_TS + 2 * MIN}), logon({ts: DEFAULT_TS + 9 * MIN})], {path: '/c.json'});
	assert.deepEqual(repeatedLogons(db, c), {logons: 3, datasets: [{id: a, path: '/a.json', logons: 2}, {id: b, path: '/b.json', logons: 1}]});
	// Seen from b: its first logon is a's too, its last only c's (a later file).
	assert.deepEqual(repeatedLogons(db, b), {logons: 2, datasets: [{id: a, path: '/a.json', logons: 1}, {id: c, path: '/c.json', logons: 1}]});
});

test('the load line names the earlier files and says what the repeats do to a hunt', () => {
	assert.equal(
		describeRepeats({logons: 3, datasets: [{id: 1, path: '/case/monday/Security.evtx', logons: 3}]}, 10),
		'  repeats: 3 of its 10 logons are already loaded, from dataset 1 (Security.evtx) (same time, outcome, logon type, source, user and target); hunts count both copies: load just one of the files to count them once',
	);
	const many = [1, 2, 3, 4, 5].map(id => ({id, path: `/x/${id}.json`, logons: 10 - id}));
	assert.match(describeRepeats({logons: 35, datasets: many}, 35), /^ {2}repeats: all 35 logons are already loaded, from dataset 1 \(1\.json: 9\), dataset 2 \(2\.json: 8\), dataset 3 \(3\.json: 7\), 2 more datasets \(/);
	assert.match(describeRepeats({logons: 1, datasets: [{id: 1, path: '/a.json', logons: 1}]}, 1), /^ {2}repeats: its one logon is already loaded, from dataset 1 \(a\.json\) /);
	assert.match(describeRepeats({logons: 1, datasets: [{id: 1, path: '/a.json', logons: 1}]}, 9), /^ {2}repeats: 1 of its 9 logons is already loaded/);
	// A path from a dataset is data: terminal escapes are neutralised.
	assert.doesNotMatch(describeRepeats({logons: 1, datasets: [{id: 1, path: '/x/\u001b[2Jevil.json', logons: 1}]}, 1), /\u001b/);
});
