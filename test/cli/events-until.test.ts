/**
 * events --until (untilOf): inclusive to the end of what it names, a day, a minute or a second,
 * as lateral shows times to the second.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {untilOf} from '../../source/commands/events.ts';

const at = (iso: string) => Date.parse(iso);

test('a time to the second or the minute takes in the whole of it; one with a fraction is taken as given', () => {
	assert.equal(untilOf('2026-11-02T00:06:05Z', 'UTC'), at('2026-11-02T00:06:05.999Z'));
	assert.equal(untilOf('2026-11-02T00:06Z', 'UTC'), at('2026-11-02T00:06:59.999Z'));
	assert.equal(untilOf('2026-11-02 00:06:05', 'America/New_York'), at('2026-11-02T05:06:05.999Z'));
	assert.equal(untilOf('2026-11-02T00:06:05+02:00', 'UTC'), at('2026-11-01T22:06:05.999Z'));
	assert.equal(untilOf('2026-11-02T00:06:05.429Z', 'UTC'), at('2026-11-02T00:06:05.429Z'));
	assert.equal(untilOf('2026-11-02T00:06:05.000Z', 'UTC'), at('2026-11-02T00:06:05.000Z'));
});

test('a date alone is the whole day in the zone; epoch numbers are taken as given', () => {
	assert.equal(untilOf('2026-11-02', 'UTC'), at('2026-11-02T23:59:59.999Z'));
	assert.equal(untilOf('2026-11-02', 'America/New_York'), at('2026-11-03T04:59:59.999Z'));
	assert.equal(untilOf('1793577789180', 'UTC'), 1793577789180);
});
