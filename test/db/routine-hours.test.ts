/**
 * The window aggregate routine_hours (source/db/open.ts), which the lateral profile's routine is
 * counted with, on small hand-worked account histories. The lateral oracle test checks it again
 * inside the whole hunt, against the plain formulation of the profile.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openMemoryDb} from '../../source/db/open.ts';

const bit = (...hours: number[]): number => hours.reduce((mask, h) => mask | (1 << h), 0);

/** routine_hours over (account, day, hours) rows, each account's days in order. */
function routine(rows: Array<[string, number, number]>, minDays: number, share: number, from = 'UNBOUNDED PRECEDING'): Array<[string, number, number]> {
	const db = openMemoryDb();
	db.exec('CREATE TEMP TABLE d (user_l TEXT, day INTEGER, hours INTEGER)');
	const insert = db.prepare('INSERT INTO d VALUES (?, ?, ?)');
	for (const row of rows) insert.run(...row);
	return db.prepare(`SELECT user_l, day, routine_hours(hours, ?, ?) OVER (PARTITION BY user_l ORDER BY day ROWS BETWEEN ${from} AND CURRENT ROW) AS mask
		FROM d ORDER BY user_l, day`).raw().all(minDays, share) as Array<[string, number, number]>;
}

test('a routine hour needs min_days earlier days at that hour, and that share of all the earlier days', () => {
	const rows: Array<[string, number, number]> = [
		['a', 1, bit(9)],
		['a', 2, bit(9)],
		['a', 3, bit(9, 22)],
		['a', 4, bit(22)],
		['a', 5, bit(9, 22)],
		['a', 9, bit(3)],
		// Another account's days are counted apart.
		['b', 2, bit(9)],
		['b', 4, bit(22)],
	];
	assert.deepEqual(routine(rows, 2, 0.5), [
		['a', 1, 0], // no earlier day
		['a', 2, 0], // 9: one earlier day
		['a', 3, bit(9)], // 9: two of two earlier days
		['a', 4, bit(9)], // 9: three of three; 22: one
		['a', 5, bit(9, 22)], // 9: three of four, 22: two of four (0.5 of four)
		['a', 9, bit(9, 22)], // 9: four of five, 22: three of five
		['b', 2, 0],
		['b', 4, 0], // 9: one earlier day
	]);
	// Two thirds of the earlier days: 22 on day 5 (two of four) is no longer enough.
	assert.deepEqual(routine(rows, 2, 2 / 3).find(([u, d]) => u === 'a' && d === 5), ['a', 5, bit(9)]);
});

test('the current day never counts towards its own routine', () => {
	// With no minimum at all, every hour is routine from the first day on: nothing earlier is
	// needed, and the day's own hours must not be what made it so.
	assert.deepEqual(routine([['a', 1, bit(5)], ['a', 2, bit(6)]], 0, 0), [['a', 1, bit(...Array.from({length: 24}, (_, h) => h))], ['a', 2, 0xFF_FFFF]]);
	// Every earlier day at the hour: 5 on day 2 (day 1 had it), nothing on day 3 (5 and 6 each had
	// one of two earlier days; day 3's own 6 does not make it two).
	assert.deepEqual(routine([['a', 1, bit(5)], ['a', 2, bit(6)], ['a', 3, bit(6)]], 1, 1), [['a', 1, 0], ['a', 2, bit(5)], ['a', 3, 0]]);
	assert.deepEqual(routine([['a', 1, bit(6)], ['a', 2, bit(6)], ['a', 3, bit(6)]], 1, 1), [['a', 1, 0], ['a', 2, bit(6)], ['a', 3, bit(6)]]);
});

test('a frame that drops its oldest days counts only the days still in it', () => {
	// Two days before the current one: day 1 leaves the frame on day 4. On day 5 the earlier days
	// are 3 (hour 5) and 4 (hour 6), one each, half of two.
	const days: Array<[string, number, number]> = [['a', 1, bit(5)], ['a', 2, bit(5)], ['a', 3, bit(5)], ['a', 4, bit(6)], ['a', 5, bit(6)]];
	assert.deepEqual(routine(days, 1, 0.5, '2 PRECEDING'), [['a', 1, 0], ['a', 2, bit(5)], ['a', 3, bit(5)], ['a', 4, bit(5)], ['a', 5, bit(5, 6)]]);
	// Every earlier day in the frame: hour 5 held on days 2-4 (days 1-3, then 2-3), not on day 5.
	assert.deepEqual(routine(days, 1, 1, '2 PRECEDING'), [['a', 1, 0], ['a', 2, bit(5)], ['a', 3, bit(5)], ['a', 4, bit(5)], ['a', 5, 0]]);
});
