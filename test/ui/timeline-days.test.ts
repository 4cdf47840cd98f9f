/**
 * timelineDays (source/ui/hooks/use-view-data.ts): hour buckets to one row per day, empty days
 * kept, but a week or more without logons folded into one gap row.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {TIMELINE_GAP_DAYS, timelineDays} from '../../source/ui/hooks/use-view-data.ts';

const day0 = Date.UTC(2026, 0, 5) / 86_400_000; // a Monday
const at = (day: number, hour: number, total = 1, failed = 0) => ({hour: (day0 + day) * 24 + hour, total, failed});
const shape = (rows: ReturnType<typeof timelineDays>) => rows.map(r => r.gap ? `${r.date}..${r.gap.until} (${r.gap.days})` : `${r.date} ${r.total}`);

test('timelineDays: every day from the first to the last; six empty days stay rows, seven are one gap', () => {
	assert.equal(TIMELINE_GAP_DAYS, 7);
	assert.deepEqual(shape(timelineDays([at(0, 9), at(7, 10, 2)])), [
		'2026-01-05 1', '2026-01-06 0', '2026-01-07 0', '2026-01-08 0', '2026-01-09 0', '2026-01-10 0', '2026-01-11 0', '2026-01-12 2',
	]);
	assert.deepEqual(shape(timelineDays([at(0, 9), at(8, 10, 2), at(9, 23, 3, 1), at(400, 0)])), [
		'2026-01-05 1', '2026-01-06..2026-01-12 (7)', '2026-01-13 2', '2026-01-14 3', '2026-01-15..2027-02-08 (390)', '2027-02-09 1',
	]);
	const busy = timelineDays([at(0, 9), at(9, 23, 3, 1)]);
	assert.deepEqual(busy.at(-1)!.hours[23], {total: 3, failed: 1});
	assert.deepEqual(busy[1]!.hours, [], 'a gap has no hours');
	assert.deepEqual(timelineDays([]), []);
});
