/**
 * The allowlist the rules tests fold in: one entry per shape the emitters must handle (a CIDR
 * source, a pair, a glob user, a regex target), plus entries that must NOT appear (disabled,
 * expired, scoped to another profile). Stored through the real allowlist table.
 */
import {openMemoryDb, type Db} from '../../source/db/open.ts';
import {insertEntries} from '../../source/db/allowlist.ts';
import type {Entry} from '../../source/allowlist/entry.ts';

/** The instant the goldens are generated at (epoch ms): entries expiring before it are expired. */
export const NOW = Date.parse('2026-11-05T12:00:00Z');

export const ACTIVE: Entry[] = [
	{kind: 'src_ip', pattern: '10.20.0.0/24', match: 'cidr', reason: 'Citrix delivery controllers'},
	{kind: 'pair', src_ip: '10.20.0.9', user: 'svc-sccm', match: 'exact', reason: 'SCCM software distribution', expires: Date.parse('2027-02-01T00:00:00Z')},
	{kind: 'user', pattern: 'svc-backup*', match: 'glob', reason: 'nightly backup'},
	{kind: 'target', pattern: '^dc[0-9]+\\.corp\\.example$', match: 'regex', reason: 'domain controllers'},
];

export const INACTIVE: Entry[] = [
	{kind: 'src_ip', pattern: '192.0.2.77', match: 'exact', reason: 'disabled jump host', enabled: false},
	{kind: 'user', pattern: 'old-contractor', match: 'exact', reason: 'expired contractor', expires: Date.parse('2026-01-01T00:00:00Z')},
	{kind: 'src_ip', pattern: '198.51.100.0/24', match: 'cidr', reason: 'scoped to another profile', profile: 'nosuch'},
];

/** A database holding ACTIVE and INACTIVE entries (ids 1-4 active, 5-7 not). */
export function allowlistDb(extra: Entry[] = []): Db {
	const db = openMemoryDb();
	insertEntries(db, [...ACTIVE, ...INACTIVE, ...extra], 'tester');
	return db;
}
