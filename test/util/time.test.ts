import {test} from 'node:test';
import assert from 'node:assert/strict';
import {calendarProblem, checkTimeZone, datePrefixProblem, daysInMonth, formatDuration, formatIso, formatLocal, fromLocal, localHour, parseDuration, parseInstant, parseTimestamp, readTimestamp} from '../../source/util/time.ts';
import {UsageError} from '../../source/util/errors.ts';

test('local hour and formatting follow DST in America/New_York (2026-03-08 02:00 EST -> 03:00 EDT)', () => {
	// 06:59:59Z is 01:59:59 EST; one second later it is 03:00:00 EDT.
	assert.equal(formatLocal(Date.parse('2026-03-08T06:59:59Z'), 'America/New_York'), '2026-03-08 01:59:59');
	assert.equal(formatLocal(Date.parse('2026-03-08T07:00:00Z'), 'America/New_York'), '2026-03-08 03:00:00');
	assert.equal(localHour(Date.parse('2026-03-08T10:59:59Z'), 'America/New_York'), 6);
	assert.equal(localHour(Date.parse('2026-03-07T10:59:59Z'), 'America/New_York'), 5);
});

test('local time in a half-hour zone and across the Berlin autumn change', () => {
	assert.equal(formatLocal(Date.parse('2026-11-05T00:29:00Z'), 'Asia/Kolkata'), '2026-11-05 05:59:00');
	assert.equal(formatLocal(Date.parse('2026-10-25T00:30:00Z'), 'Europe/Berlin'), '2026-10-25 02:30:00');
	assert.equal(formatLocal(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Berlin'), '2026-10-25 02:30:00');
	assert.equal(formatIso(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Berlin'), '2026-10-25T02:30:00+01:00');
	assert.equal(formatIso(Date.parse('2026-10-25T00:30:00.250Z'), 'Europe/Berlin'), '2026-10-25T02:30:00.250+02:00');
	assert.equal(formatIso(0, 'UTC'), '1970-01-01T00:00:00Z');
});

test('fromLocal picks the earlier instant in an overlap and maps gap times forward', () => {
	assert.equal(fromLocal(2026, 10, 25, 2, 30, 0, 0, 'Europe/Berlin'), Date.parse('2026-10-25T00:30:00Z'));
	assert.equal(fromLocal(2026, 11, 5, 10, 0, 0, 0, 'Europe/Berlin'), Date.parse('2026-11-05T09:00:00Z'));
	// 02:30 does not exist in New York on 2026-03-08; it is read with the EST offset.
	assert.equal(fromLocal(2026, 3, 8, 2, 30, 0, 0, 'America/New_York'), Date.parse('2026-03-08T07:30:00Z'));
});

test('parseTimestamp reads zoned times exactly and zone-less ones in the given zone', () => {
	assert.deepEqual(parseTimestamp('2026-11-05T03:15:00.123456Z'), {ts: Date.parse('2026-11-05T03:15:00.123Z'), zoned: true});
	assert.deepEqual(parseTimestamp('2026-11-05T03:15:00+01:00'), {ts: Date.parse('2026-11-05T02:15:00Z'), zoned: true});
	assert.deepEqual(parseTimestamp('2026-11-05T03:15:00-0500'), {ts: Date.parse('2026-11-05T08:15:00Z'), zoned: true});
	assert.deepEqual(parseTimestamp('2026-11-05 03:15:00', 'Europe/Berlin'), {ts: Date.parse('2026-11-05T02:15:00Z'), zoned: false});
	assert.equal(parseTimestamp('yesterday'), undefined);
	assert.equal(parseTimestamp('2026-13-05T03:15:00Z'), undefined);
});

test('parseTimestamp\'s fast path for YYYY-MM-DDTHH:MM:SS[.f]Z reads what the pattern reads', () => {
	// Each shape varied at random (seeded): digits anywhere, out-of-range fields, 0-9 digits of
	// fraction (up to 7 take the fast path), non-digits, other separators and zones.
	let seed = 7;
	const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
	const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
	const digits = (n: number) => Array.from({length: n}, () => String(Math.floor(random() * 10))).join('');
	let fast = 0;
	for (let i = 0; i < 20_000; i++) {
		// A field in its range mostly, else any two digits, else not two digits.
		const field = (n: number, low = 0, high = 99) => {
			const r = random();
			if (r < 0.05) return pick(['x', '1', '99', ' 1', '-1', '1a']);
			return r < 0.2 ? digits(n) : String(low + Math.floor(random() * (high - low + 1))).padStart(n, '0');
		};
		const frac = pick(['', '', `.${digits(1 + Math.floor(random() * 9))}`, '.', ',123', '.9999999', '.99999999', '.0000000']);
		const text = `${field(4, 1000, 2999)}${pick(['-', '-', '-', '/'])}${field(2, 1, 12)}-${field(2, 1, 31)}${pick(['T', 'T', 'T', ' ', 't'])}${field(2, 0, 23)}:${field(2, 0, 59)}:${field(2, 0, 60)}${frac}${pick(['Z', 'Z', 'Z', 'z', '', '+01:00', ' Z', 'Z '])}`;
		const expected = readTimestamp(text, 'Europe/Berlin');
		assert.deepEqual(parseTimestamp(text, 'Europe/Berlin'), expected, text);
		if (expected && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$/.test(text)) fast++;
	}

	// Enough of the inputs were of the fast path's shape and valid for the comparison to mean something.
	assert.ok(fast > 500, `only ${fast} valid inputs of the fast path's shape`);
	assert.deepEqual(parseTimestamp('2026-11-05T03:15:00.9999999Z'), {ts: Date.parse('2026-11-05T03:15:00.999Z'), zoned: true});
	assert.deepEqual(parseTimestamp('2026-11-05T03:15:60Z'), {ts: Date.parse('2026-11-05T03:16:00Z'), zoned: true});
	for (const bad of ['2026-11-05T03:15:61Z', '2026-11-05T24:15:00Z', '2026-11-05T03:60:00Z', '2026-11-32T03:15:00Z', '2026-00-05T03:15:00Z', '2026-11-05T03:15:00.Z']) {
		assert.equal(parseTimestamp(bad), undefined, bad);
	}
});

test('durations and instants from flags', () => {
	assert.equal(parseDuration('24h'), 86_400_000);
	assert.equal(parseDuration('7d'), 7 * 86_400_000);
	assert.equal(parseDuration('90m'), 5_400_000);
	assert.equal(parseDuration('all'), undefined);
	assert.throws(() => parseDuration('soon'), UsageError);
	assert.equal(parseInstant('2026-11-05', '--now'), Date.parse('2026-11-05T00:00:00Z'));
	assert.equal(parseInstant('1793847600', '--now'), 1_793_847_600_000);
	assert.throws(() => parseInstant('tomorrow', '--now'), /--now: "tomorrow" is not an ISO 8601 time/);
	assert.throws(() => checkTimeZone('Mars/Olympus'), /unknown time zone/);
});

test('formatLocal agrees with Intl at random instants and around offset changes in eight zones', () => {
	const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Chatham'];
	// Intl is the oracle: it formats whole seconds, and formatLocal drops the milliseconds.
	const formats = new Map(zones.map(tz => [tz, new Intl.DateTimeFormat('en-US', {timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'})]));
	const byIntl = (ts: number, tz: string) => {
		const parts = formats.get(tz)!.formatToParts(new Date(ts - (((ts % 1000) + 1000) % 1000)));
		const get = (type: string) => parts.find(p => p.type === type)!.value;
		return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
	};

	let seed = 7;
	const random = () => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed / 2_147_483_648;
	};

	const instants: number[] = [];
	for (let i = 0; i < 400; i++) instants.push(Math.floor(Date.UTC(1950, 0, 1) + random() * 150 * 365 * 86_400_000));
	// Every 7.5 minutes across the 2026 spring and autumn changes (northern and southern).
	for (const start of [Date.UTC(2026, 2, 7), Date.UTC(2026, 3, 4), Date.UTC(2026, 8, 26), Date.UTC(2026, 9, 24)]) {
		for (let t = start; t < start + 3 * 86_400_000; t += 450_000) instants.push(t, t + 999, t - 1);
	}

	for (const tz of zones) {
		for (const ts of instants) assert.equal(formatLocal(ts, tz), byIntl(ts, tz), `${new Date(ts).toISOString()} in ${tz}`);
	}
});

test('formatDuration says seconds, then minutes and seconds', () => {
	assert.deepEqual([0, 42, 59.4, 59.6, 185, -3].map(formatDuration), ['0 s', '42 s', '59 s', '1 min 0 s', '3 min 5 s', '0 s']);
});

test('an impossible calendar date is refused, never rolled over into the next month', () => {
	assert.deepEqual([[2027, 2], [2028, 2], [2100, 2], [2000, 2], [2027, 4], [2027, 12]].map(([y, m]) => daysInMonth(y!, m!)), [28, 29, 28, 29, 30, 31]);
	assert.equal(calendarProblem(2027, 2, 30), 'February 2027 has 28 days');
	assert.equal(calendarProblem(2027, 2, 29), 'February 2027 has 28 days');
	assert.equal(calendarProblem(2028, 2, 29), undefined);
	assert.equal(calendarProblem(2027, 4, 31), 'April 2027 has 30 days');
	assert.equal(calendarProblem(2027, 13, 1), 'there is no month 13');
	assert.equal(calendarProblem(2027, 0, 1), 'there is no month 0');
	assert.equal(calendarProblem(2027, 1, 0), 'there is no day 0');
	assert.equal(datePrefixProblem('2027-02-30T10:00:00Z'), 'February 2027 has 28 days');
	assert.equal(datePrefixProblem('2027-01-31'), undefined);
	assert.equal(datePrefixProblem('yesterday'), undefined, 'not a date at all: left to the caller');
	// Both the fast path (…Z) and the pattern (zone-less, offsets) refuse them.
	for (const bad of ['2027-02-30T00:00:00Z', '2027-02-29T12:00:00.5Z', '2027-04-31T00:00:00Z', '2027-02-30 10:00', '2027-02-30T10:00:00+01:00']) {
		assert.equal(parseTimestamp(bad), undefined, bad);
	}

	assert.deepEqual(parseTimestamp('2028-02-29T12:00:00Z'), {ts: Date.parse('2028-02-29T12:00:00Z'), zoned: true});
	assert.deepEqual(parseTimestamp('2028-02-29 12:00'), {ts: Date.parse('2028-02-29T12:00:00Z'), zoned: false});
	assert.throws(() => parseInstant('2027-02-30', '--since'), {message: '--since: "2027-02-30" is not a calendar date: February 2027 has 28 days'});
	assert.throws(() => parseInstant('2027-13-01T00:00:00Z', '--until'), {message: '--until: "2027-13-01T00:00:00Z" is not a calendar date: there is no month 13'});
	assert.equal(parseInstant('2028-02-29', '--now'), Date.parse('2028-02-29T00:00:00Z'));
});
