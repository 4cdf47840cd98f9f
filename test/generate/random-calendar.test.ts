import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {Random} from '../../source/generate/random.ts';
import {hours, makeCalendar} from '../../source/generate/calendar.ts';

describe('Random', () => {
	test('a seed and label give one fixed stream; other seeds and labels give others', () => {
		const draw = (r: Random) => Array.from({length: 8}, () => r.next());
		assert.deepEqual(draw(new Random(7, 'day', 1)), draw(new Random(7, 'day', 1)));
		assert.notDeepEqual(draw(new Random(7, 'day', 1)), draw(new Random(7, 'day', 2)));
		assert.notDeepEqual(draw(new Random(7, 'day', 1)), draw(new Random(8, 'day', 1)));
	});

	test('int covers both ends and nothing outside; sample gives distinct items', () => {
		const r = new Random(1, 'test');
		const seen = new Set<number>();
		for (let i = 0; i < 2000; i++) seen.add(r.int(3, 7));
		assert.deepEqual([...seen].sort(), [3, 4, 5, 6, 7]);
		const items = Array.from({length: 50}, (_, i) => i);
		const picked = r.sample(items, 20);
		assert.equal(new Set(picked).size, 20);
		assert.equal(r.sample(items, 80).length, 50);
		const mean = Array.from({length: 4000}, () => r.poisson(4)).reduce((a, b) => a + b, 0) / 4000;
		assert.ok(Math.abs(mean - 4) < 0.2, `poisson mean ${mean}`);
	});
});

describe('calendar', () => {
	test('local days in the site zone, including the 25-hour day when DST ends', () => {
		const days = makeCalendar('2026-10-24', 3, 'Europe/Berlin');
		assert.deepEqual(days.map(d => d.date), ['2026-10-24', '2026-10-25', '2026-10-26']);
		assert.deepEqual(days.map(d => d.weekday), [6, 0, 1]);
		assert.deepEqual(days.map(d => d.weekend), [true, true, false]);
		assert.equal(days[0]!.start, Date.parse('2026-10-23T22:00:00Z'));
		assert.deepEqual(days.map(d => (d.end - d.start) / 3_600_000), [24, 25, 24]);
		assert.equal(days[2]!.at(hours(8.5)), Date.parse('2026-10-26T07:30:00Z'));
		// Times are kept inside their day.
		assert.equal(days[1]!.at(hours(30)), days[1]!.end - 1);
		assert.equal(days[1]!.at(-5), days[1]!.start);
	});

	test('month and year ends roll over', () => {
		const days = makeCalendar('2026-12-31', 2, 'UTC');
		assert.deepEqual(days.map(d => d.date), ['2026-12-31', '2027-01-01']);
		assert.throws(() => makeCalendar('2026-13-01', 1, 'UTC'), /ISO date|calendar date/);
	});
});
