/**
 * Test helpers: normalized logons with readable defaults, in-memory stores holding them, and a
 * look at the statements a store prepares.
 *
 * Shared by every test that needs logons in a database; keep them general (no profile logic).
 */
import {openMemoryDb, type Db} from '../../source/db/open.ts';
import {finishDataset, insertDataset, logonInserter} from '../../source/db/store.ts';
import type {FormatName, Logon} from '../../source/ingest/types.ts';

/** The default logon time: 2026-11-05T10:00:00Z (epoch ms), a Thursday morning in UTC. */
export const DEFAULT_TS = Date.parse('2026-11-05T10:00:00Z');

// raw_ref only has to be plausible and distinct enough to tell rows apart in a failure message.
let nextRawRef = 1;

/**
 * A normalized logon: a successful (4624) type 3 network logon by `alice` from 10.0.0.5 to SRV1
 * at DEFAULT_TS, with every field overridable.
 *
 * Derived defaults follow what was given, so a fixture states only what it is about:
 * `outcome: 'failure'` implies event 4625; a given `target` becomes `dst_host` (or `dst_host`/`dst_ip`
 * become `target`); logon type 10 implies service rdp. Pass `null` explicitly for a missing field.
 */
export function logon(partial: Partial<Logon> = {}): Logon {
	const outcome = partial.outcome ?? 'success';
	const logonType = partial.logon_type === undefined ? 3 : partial.logon_type;
	let target: string | null;
	let dstHost: string | null;
	if (partial.target !== undefined) {
		target = partial.target;
		dstHost = partial.dst_host === undefined ? partial.target : partial.dst_host;
	} else if (partial.dst_host !== undefined || partial.dst_ip !== undefined) {
		dstHost = partial.dst_host ?? null;
		target = dstHost ?? partial.dst_ip ?? null;
	} else {
		target = 'SRV1';
		dstHost = 'SRV1';
	}

	return {
		ts: DEFAULT_TS,
		event_id: outcome === 'failure' ? 4625 : 4624,
		src_port: null,
		src_host: null,
		user: 'alice',
		domain: 'CORP',
		dst_ip: null,
		service: logonType === 10 ? 'rdp' : 'network',
		auth_package: null,
		log_source_type: null,
		raw_ref: nextRawRef++,
		src_ip: '10.0.0.5',
		...partial,
		outcome,
		logon_type: logonType,
		target,
		dst_host: dstHost,
	};
}

/** Several logons from one template: `logons(3, {user: 'bob'})`, or per index with a function. */
export function logons(count: number, partial: Partial<Logon> | ((i: number) => Partial<Logon>)): Logon[] {
	return Array.from({length: count}, (_, i) => logon(typeof partial === 'function' ? partial(i) : partial));
}

let nextDataset = 1;

/**
 * Adds one dataset holding `rows` to `db`, with the store's own statements (as a load would),
 * inside one transaction. Returns the dataset id.
 */
export function addDataset(db: Db, rows: Logon[], options: {format?: FormatName; path?: string} = {}): number {
	const n = nextDataset++;
	return db.transaction(() => {
		const id = insertDataset(db, {
			path: options.path ?? `/fixtures/dataset-${n}.json`,
			format: options.format ?? 'windows-json',
			// Unique per call: the store refuses a second dataset with the same sha256.
			sha256: `${n.toString(16).padStart(8, '0')}${'0'.repeat(56)}`,
		});
		const insert = logonInserter(db, id);
		let first: number | null = null;
		let last: number | null = null;
		for (const row of rows) {
			insert(row);
			first = first === null ? row.ts : Math.min(first, row.ts);
			last = last === null ? row.ts : Math.max(last, row.ts);
		}

		finishDataset(db, id, {records: rows.length, rejected: 0, skipped: 0, first_ts: first, last_ts: last, time_field: null});
		return id;
	})();
}

/** A fresh migrated in-memory store holding `rows` as one dataset. */
export function dbWith(rows: Logon[], options: {format?: FormatName; path?: string} = {}): Db {
	const db = openMemoryDb();
	addDataset(db, rows, options);
	return db;
}

/** Calls `see` with each statement `db` prepares from now on, just before it is prepared. */
export function onPrepare(db: Db, see: (sql: string) => void): void {
	const prepare = db.prepare.bind(db);
	db.prepare = ((sql: string) => {
		see(sql);
		return prepare(sql);
	}) as typeof db.prepare;
}
