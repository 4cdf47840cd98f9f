/**
 * Named statements over the shortlist: findings marked for the case, with status and note.
 */
import type {Db} from './open.ts';

export const STATUSES = ['open', 'escalated', 'benign'] as const;
export type Status = (typeof STATUSES)[number];

/** A marked (source, user) pair. Times are epoch ms UTC. */
export interface Mark {
	src_ip: string;
	user: string;
	status: Status;
	note: string;
	author: string | null;
	marked_at: number;
	updated_at: number;
}

/** Marks a pair, or updates its status/note when it is marked already (unset fields kept). */
export function markPair(db: Db, pair: {src_ip: string; user: string; status?: Status; note?: string; author?: string}): Mark {
	const now = Date.now();
	db.prepare(`INSERT INTO shortlist (src_ip, user, status, note, author, marked_at, updated_at)
		VALUES (@src_ip, @user, coalesce(@status, 'open'), coalesce(@note, ''), @author, @now, @now)
		ON CONFLICT (src_ip, user) DO UPDATE SET
			status = coalesce(@status, status), note = coalesce(@note, note), updated_at = @now`)
		.run({src_ip: pair.src_ip, user: pair.user, status: pair.status ?? null, note: pair.note ?? null, author: pair.author ?? null, now});
	return getMark(db, pair.src_ip, pair.user)!;
}

/** True when the store holds a logon of `user` (as spelled) from `src_ip`: pair_totals' key, one seek. */
export function pairLogged(db: Db, src_ip: string, user: string): boolean {
	return (db.prepare('SELECT EXISTS (SELECT 1 FROM pair_totals WHERE ifnull(src_ip, 0) = ? AND ifnull(user, 0) = ?) AS found').get(src_ip, user) as {found: number}).found === 1;
}

export function unmarkPair(db: Db, src_ip: string, user: string): boolean {
	return db.prepare('DELETE FROM shortlist WHERE src_ip = ? AND user = ?').run(src_ip, user).changes > 0;
}

export function getMark(db: Db, src_ip: string, user: string): Mark | undefined {
	return db.prepare('SELECT * FROM shortlist WHERE src_ip = ? AND user = ?').get(src_ip, user) as Mark | undefined;
}

/** Every mark, in a stable order (source, then user). */
export function listMarks(db: Db): Mark[] {
	return db.prepare('SELECT * FROM shortlist ORDER BY src_ip, user').all() as Mark[];
}
