/**
 * Named statements over the allowlist table, and the hit counts that show what each entry
 * suppresses. Every value is bound as a parameter.
 */
import type {Db} from './open.ts';
import type {Entry, Kind, Match} from '../allowlist/entry.ts';
import {activeEntry, entryMatches} from '../detect/allowlist-sql.ts';
import {hunt} from '../detect/hunt.ts';

interface EntryRow {
	id: number;
	kind: Kind;
	pattern: string | null;
	src_ip: string | null;
	user: string | null;
	target: string | null;
	match: Match;
	reason: string;
	author: string | null;
	created: number;
	expires: number | null;
	profile: string | null;
	enabled: number;
	suggested: string | null;
}

/** A stored entry with its state at `now` (epoch ms). */
export interface StoredEntry extends Entry {
	id: number;
	created: number;
	enabled: boolean;
	expired: boolean;
	/** The false-positive class when lateral proposed the entry. */
	suggested?: string;
}

function fromRow(r: EntryRow, now: number): StoredEntry {
	const e: StoredEntry = {
		id: r.id,
		kind: r.kind,
		match: r.match,
		reason: r.reason,
		created: r.created,
		enabled: r.enabled === 1,
		expired: r.expires !== null && r.expires <= now,
	};
	for (const key of ['pattern', 'src_ip', 'user', 'target', 'author', 'profile'] as const) {
		if (r[key] !== null) e[key] = r[key];
	}

	if (r.expires !== null) e.expires = r.expires;
	if (r.suggested !== null) e.suggested = r.suggested;
	return e;
}

/** Inserts entries in one transaction (all or none); returns their ids. `suggested` marks proposals. */
export function insertEntries(db: Db, entries: Entry[], author: string | undefined, suggested?: (e: Entry) => string | undefined): number[] {
	const stmt = db.prepare(`INSERT INTO allowlist (kind, pattern, src_ip, user, target, match, reason, author, created, expires, profile, enabled, suggested)
		VALUES (@kind, @pattern, @src_ip, @user, @target, @match, @reason, @author, @created, @expires, @profile, @enabled, @suggested)`);
	const now = Date.now();
	return db.transaction(() => entries.map(e => Number(stmt.run({
		kind: e.kind,
		pattern: e.pattern ?? null,
		src_ip: e.src_ip ?? null,
		user: e.user ?? null,
		target: e.target ?? null,
		match: e.match,
		reason: e.reason,
		author: e.author ?? author ?? null,
		created: e.created ?? now,
		expires: e.expires ?? null,
		profile: e.profile ?? null,
		enabled: e.enabled === false ? 0 : 1,
		suggested: suggested?.(e) ?? null,
	}).lastInsertRowid)))();
}

/**
 * The id of a stored entry that is the same rule as `e`, or undefined: same kind, values, match,
 * reason, expiry, profile scope and enabled state. Who added it and when do not count, so a file
 * kept in git and imported again finds its entries present.
 */
export function identicalEntry(db: Db, e: Entry): number | undefined {
	const enabled = e.enabled !== false;
	return sameRuleEntries(db, e).find(s => s.reason === e.reason && s.expires === e.expires && s.profile === e.profile && s.enabled === enabled)?.id;
}

/**
 * Inserts the entries that are not stored already (identicalEntry; a repeat within `entries`
 * counts as present too), in one transaction: all or none. Returns the ids added and, for the
 * entries skipped, the ids of the stored entries they repeat.
 */
export function addNewEntries(db: Db, entries: Entry[], author: string | undefined): {added: number[]; present: number[]} {
	return db.transaction(() => {
		const added: number[] = [];
		const present: number[] = [];
		const now = Date.now();
		for (const e of entries) {
			const id = identicalEntry(db, e);
			if (id === undefined) added.push(...insertEntries(db, [{...e, created: e.created ?? now}], author));
			else present.push(id);
		}

		return {added, present};
	})();
}

export function listEntries(db: Db, now = Date.now()): StoredEntry[] {
	return (db.prepare('SELECT * FROM allowlist ORDER BY id').all() as EntryRow[]).map(r => fromRow(r, now));
}

export function getEntry(db: Db, id: number, now = Date.now()): StoredEntry | undefined {
	const row = db.prepare('SELECT * FROM allowlist WHERE id = ?').get(id) as EntryRow | undefined;
	return row && fromRow(row, now);
}

/** The stored entries with the same rule as `e` (kind, values and match), whatever their reason, scope and state. */
export function sameRuleEntries(db: Db, e: Entry, now = Date.now()): StoredEntry[] {
	const rows = db.prepare(`SELECT * FROM allowlist WHERE kind = @kind AND pattern IS @pattern AND src_ip IS @src_ip
		AND user IS @user AND target IS @target AND match = @match ORDER BY id`).all({
		kind: e.kind, pattern: e.pattern ?? null, src_ip: e.src_ip ?? null, user: e.user ?? null, target: e.target ?? null, match: e.match,
	}) as EntryRow[];
	return rows.map(r => fromRow(r, now));
}

export function removeEntry(db: Db, id: number): boolean {
	return db.prepare('DELETE FROM allowlist WHERE id = ?').run(id).changes > 0;
}

export function setEntryEnabled(db: Db, id: number, enabled: boolean): boolean {
	return db.prepare('UPDATE allowlist SET enabled = ? WHERE id = ?').run(enabled ? 1 : 0, id).changes > 0;
}

export function setEntryReason(db: Db, id: number, reason: string): boolean {
	return db.prepare('UPDATE allowlist SET reason = ? WHERE id = ?').run(reason, id).changes > 0;
}

/** Logons the entry matches (whatever its state): the events it suppresses when active. */
export function eventHits(db: Db, id: number): number {
	const sql = `SELECT count(*) AS n FROM logons l, allowlist a WHERE a.id = @id AND ${entryMatches('l', 'a')}`;
	return (db.prepare(sql).get({id}) as {n: number}).n;
}

/**
 * The entries that apply to `profile` at `today` and match some logon of the pair (src_ip, user)
 * in [since, until] (null since: every logon): what suppresses the pair's events in a hunt.
 */
export function entriesMatchingPair(db: Db, pair: {src_ip: string; user: string}, window: {since: number | null; until: number | undefined}, profile: string, today = Date.now()): StoredEntry[] {
	const rows = db.prepare(`SELECT * FROM allowlist a
		WHERE ${activeEntry('a')}
			AND EXISTS (SELECT 1 FROM logons l
				WHERE l.src_ip = :src_ip AND l.user = :user
					AND (:since IS NULL OR l.ts BETWEEN :since AND :until)
					AND ${entryMatches('l', 'a')})
		ORDER BY a.id`).all({
		src_ip: pair.src_ip, user: pair.user, since: window.since, until: window.until ?? Number.MAX_SAFE_INTEGER, profile, today,
	}) as EntryRow[];
	return rows.map(r => fromRow(r, today));
}

/** What one entry suppresses: logons it matches, and findings of the profile it alone removes. */
export interface Hits {
	events: number;
	findings: number;
}

/**
 * Hit counts for every entry. A finding counts for an entry when it is present with no allowlist
 * and absent with only that entry applied, so each entry is measured on its own: an entry that is
 * off or expired counts what it would suppress if on, and one kept for another profile suppresses
 * none of this profile's findings.
 */
export function hitCounts(db: Db, profile: string, tz: string): Map<number, Hits> {
	const key = (f: {src_ip: string; user: string}) => `${f.src_ip}\u0000${f.user}`;
	const entries = listEntries(db);
	const without = entries.some(e => inScope(e, profile)) ? hunt(db, {profile, tz, allowlist: false}).findings.map(key) : [];
	const counts = new Map<number, Hits>();
	for (const entry of entries) {
		const {id} = entry;
		const remaining = inScope(entry, profile) ? new Set(hunt(db, {profile, tz, onlyEntry: id}).findings.map(key)) : undefined;
		counts.set(id, {events: eventHits(db, id), findings: remaining ? without.filter(k => !remaining.has(k)).length : 0});
	}

	return counts;
}

/** Whether the entry is for `profile`: kept for every profile, or for that one. */
function inScope(entry: StoredEntry, profile: string): boolean {
	return entry.profile === undefined || entry.profile === profile;
}
