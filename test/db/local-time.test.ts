/**
 * The SQL functions local_hour and local_dow (computed by arithmetic for speed) against an
 * oracle that is not our code: Intl.DateTimeFormat, over DST changes and non-whole-hour zones.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openMemoryDb} from '../../source/db/open.ts';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function oracle(ts: number, tz: string): {hour: number; dow: number} {
	const parts = new Intl.DateTimeFormat('en-US', {timeZone: tz, hour: 'numeric', hourCycle: 'h23', weekday: 'short'}).formatToParts(new Date(ts));
	return {
		hour: Number(parts.find(p => p.type === 'hour')!.value),
		dow: DAYS.indexOf(parts.find(p => p.type === 'weekday')!.value),
	};
}

test('local_hour and local_dow agree with Intl.DateTimeFormat, DST changes and odd offsets included', () => {
	const db = openMemoryDb();
	const stmt = db.prepare('SELECT local_hour(?, ?) AS hour, local_dow(?, ?) AS dow');
	// Every 17 minutes 13 seconds through 2026 (crosses every DST change), plus times before 1970.
	const times: number[] = [-86_400_000 * 400 - 1, -1, 0];
	for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 1_033_000) times.push(t);
	for (const tz of ZONES) {
		for (const ts of times) {
			const got = stmt.get(ts, tz, ts, tz) as {hour: number; dow: number};
			assert.deepEqual(got, oracle(ts, tz), `${new Date(ts).toISOString()} in ${tz}`);
		}
	}

	assert.deepEqual(stmt.get(null, 'UTC', null, 'UTC'), {hour: null, dow: null});
});
