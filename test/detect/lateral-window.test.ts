/**
 * The lateral profile's window on little data: with less than one baseline of logons (a single
 * short log), everything is hunted against an empty baseline instead of an empty window.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {hunt, resolveWindow} from '../../source/detect/hunt.ts';
import {loadProfile} from '../../source/detect/profiles.ts';
import {dbWith, logon} from '../helpers/logons.ts';

const T = Date.parse('2026-11-05T02:00:00Z');
const MIN = 60_000;

test('under one baseline of data: the window is all of it and the baseline is empty', () => {
	// Night fan-out to five hosts within 20 minutes: spread, night hours and new sources all score.
	const rows = ['A', 'B', 'C', 'D', 'E'].map((t, i) => logon({ts: T + i * 5 * MIN, src_ip: '10.9.9.9', user: 'eve', target: `SRV-${t}`}));
	const db = dbWith(rows);
	const w = resolveWindow(db, loadProfile('lateral'), {profile: 'lateral', tz: 'UTC'});
	assert.deepEqual([w.since, w.until, w.baseSince], [T, T + 20 * MIN, T]);
	const result = hunt(db, {profile: 'lateral', tz: 'UTC'});
	assert.equal(result.since, T);
	assert.deepEqual(result.findings.map(f => [f.src_ip, f.user, f.target_count]), [['10.9.9.9', 'eve', 5]]);
	const f = result.findings[0]!;
	assert.equal(f.reasons.reduce((n, r) => n + r.points, 0), f.score);
});

test('with more than one baseline of data the window starts one baseline after the oldest logon', () => {
	const rows = [logon({ts: T, src_ip: '10.9.9.9', user: 'eve', target: 'SRV-A'}), logon({ts: T + 3 * 86_400_000, src_ip: '10.9.9.9', user: 'eve', target: 'SRV-B'})];
	const w = resolveWindow(dbWith(rows), loadProfile('lateral'), {profile: 'lateral', tz: 'UTC'});
	assert.deepEqual([w.since, w.baseSince], [T + 2 * 86_400_000, T]);
});
