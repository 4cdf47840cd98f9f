/**
 * removeDatasets (source/db/store.ts): taking loaded files back out leaves the store as if they had
 * never been loaded. The oracle is a second store that loaded only the other files: every table
 * made from the logons must hold the same rows, and the hunts must find the same.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openMemoryDb, type Db} from '../../source/db/open.ts';
import {countLogons, listDatasets, removeDatasets, setDatasetRepeats} from '../../source/db/store.ts';
import {repeatedLogons} from '../../source/db/repeats.ts';
import {hunt} from '../../source/detect/hunt.ts';
import {addBulk, keepHoursFrom, spread, T0} from '../helpers/totals.ts';

const DAY = 86_400_000;

/** Every row of a table, in a fixed order (all its columns), as text. */
function rowsOf(db: Db, table: string): string[] {
	const columns = (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as Array<{name: string}>).map(c => c.name);
	return (db.prepare(`SELECT * FROM ${table} ORDER BY ${columns.map(c => `quote(${c})`).join(', ')}`).all() as unknown[]).map(r => JSON.stringify(r));
}

const TOTALS = ['pair_totals', 'entity_totals', 'hour_totals', 'hunt_days', 'hunt_targets', 'hunt_pairs', 'hunt_day_pairs'];

// Three files over the same names: a, b a day later and overlapping c, c over both days.
const A = spread(400, 1);
const B = spread(400, 2, (_, k) => T0 + DAY + ((k * 37) % 900) * 60_000);
const C = spread(300, 3, (_, k) => T0 + ((k * 53) % 2000) * 60_000);

function store(files: Array<[string, typeof A]>): Db {
	const db = openMemoryDb();
	// Names on both sides of the least logons whose hours are kept: a name may fall below it.
	keepHoursFrom(db, 60);
	for (const [sha, rows] of files) {
		const id = addBulk(db, rows, 50, sha);
		// Its time span, as a load records it (addBulk records T0 for both ends).
		db.prepare('UPDATE datasets SET first_ts = (SELECT min(ts) FROM logons WHERE dataset_id = @id), last_ts = (SELECT max(ts) FROM logons WHERE dataset_id = @id) WHERE id = @id').run({id});
		setDatasetRepeats(db, id, repeatedLogons(db, id)?.logons ?? 0);
	}

	return db;
}

test('removing a dataset leaves every total as a store that never loaded it holds, and the hunts find the same', () => {
	const removed = store([['a', A], ['b', B], ['c', C]]);
	const id = listDatasets(removed).find(d => d.path.endsWith('bulk-b.json'))!.id;
	assert.equal(removeDatasets(removed, [id]), B.length);
	const never = store([['a', A], ['c', C]]);
	assert.equal(countLogons(removed), A.length + C.length);
	for (const table of TOTALS) {
		const rows = rowsOf(never, table);
		assert.ok(rows.length > 0, table);
		assert.deepEqual(rowsOf(removed, table), rows, table);
	}

	assert.deepEqual(listDatasets(removed).map(d => d.path), ['/fixtures/bulk-a.json', '/fixtures/bulk-c.json']);
	for (const profile of ['qradar', 'logscale', 'lateral']) {
		const found = (db: Db) => hunt(db, {profile, tz: 'UTC', window: null, cache: false}).rows;
		assert.deepEqual(found(removed), found(never), profile);
	}
});

test('removing every dataset empties every total; a later file\'s repeats are counted again against the files before it', () => {
	const db = store([['a', A], ['b', B]]);
	removeDatasets(db, listDatasets(db).map(d => d.id));
	assert.equal(countLogons(db), 0);
	for (const table of TOTALS) assert.deepEqual(rowsOf(db, table), [], table);

	// c repeats a's first 100 logons and adds its own; d repeats c's own logons.
	const again = store([['a', A], ['c', [...A.slice(0, 100), ...C]], ['d', C.slice(0, 50)]]);
	const [a, c, d] = listDatasets(again);
	assert.deepEqual([c!.repeats, d!.repeats], [100, 50]);
	removeDatasets(again, [a!.id]);
	// c repeats nothing loaded before it now; d still repeats c.
	assert.deepEqual(listDatasets(again).map(x => [x.id, x.repeats]), [[c!.id, 0], [d!.id, 50]]);
});
