/**
 * The console's test fixture: one night of lateral movement and some ordinary logons, small
 * enough to read every frame by eye. Times are around 2026-11-05T02:00Z (a Thursday).
 */
import type {Db} from '../../source/db/open.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {dbWith, logon} from '../helpers/logons.ts';

export const T = Date.parse('2026-11-05T02:00:00Z');
const H = 3_600_000;

/** The rows, with fixed line numbers so frames showing file:line are stable. */
export function fixtureRows(): Logon[] {
	const rows = [
		...['SRV-DB01', 'SRV-FS01', 'SRV-APP1', 'SRV-APP2'].map((t, i) => logon({ts: T + i * 60_000, src_ip: '10.0.0.5', user: 'adm-jdoe', target: t})),
		logon({ts: T + 300_000, src_ip: '10.0.0.5', user: 'adm-jdoe', target: 'SRV-DB01', outcome: 'failure'}),
		logon({ts: T + 8 * H, src_ip: '10.0.0.6', user: 'alice', target: 'SRV-FS01'}),
		logon({ts: T + 12 * H, src_ip: '10.0.0.8', user: 'svc-backup', target: 'SRV-BK01'}),
		logon({ts: T + 12 * H + 60_000, src_ip: '10.0.0.8', user: 'svc-backup', target: 'SRV-DB01'}),
	];
	return rows.map((r, i) => ({...r, raw_ref: i + 1}));
}

export function fixtureDb(extra: Logon[] = []): Db {
	return dbWith([...fixtureRows(), ...extra], {path: '/cases/night.json'});
}
