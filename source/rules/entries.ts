/**
 * The allowlist as the emitters see it: which entries apply to a profile, and each entry broken
 * into field conditions with the same meaning as `entryMatches` in source/detect/allowlist-sql.ts
 * (user and target case-insensitive, src_ip case-sensitive; a pair's src_ip part is CIDR when the
 * entry says cidr, else exact, and its other part takes the entry's match kind).
 */
import type {Entry, Match} from '../allowlist/entry.ts';
import type {StoredEntry} from '../db/allowlist.ts';

/** The logon fields an entry can test, named as in the normalized record. */
export type Field = 'src_ip' | 'user' | 'target';

/** One test of one field; an entry excludes a logon when all its conditions hold. */
export interface Condition {
	field: Field;
	match: Match;
	value: string;
}

/** Entries that apply to `profile`: enabled, not expired, unscoped or scoped to it; id order. */
export function applicableEntries<T extends Pick<StoredEntry, 'enabled' | 'expired' | 'profile'>>(entries: readonly T[], profile: string): T[] {
	return entries.filter(e => e.enabled && !e.expired && (e.profile === undefined || e.profile === profile));
}

/**
 * The field conditions of an entry (one, or two for a pair), source first. A CIDR block given as a
 * bare address (which the allowlist takes as /32) is written with its /32: the SIEMs' CIDR
 * functions (INCIDR, cidrmatch, cidr(), Sigma's |cidr) take blocks.
 */
export function entryConditions(e: Entry): Condition[] {
	const block = (v: string) => v.includes('/') ? v : `${v}/32`;
	if (e.kind !== 'pair') return [{field: e.kind, match: e.match, value: e.match === 'cidr' ? block(e.pattern ?? '') : e.pattern ?? ''}];
	const other: Field = e.user === undefined ? 'target' : 'user';
	return [
		e.match === 'cidr' ? {field: 'src_ip', match: 'cidr', value: block(e.src_ip ?? '')} : {field: 'src_ip', match: 'exact', value: e.src_ip ?? ''},
		{field: other, match: e.match === 'cidr' ? 'exact' : e.match, value: (other === 'user' ? e.user : e.target) ?? ''},
	];
}

/** How an exclusion names its entry in a comment: `allowlist #7: reason` (raw: emitters sanitize). */
export function entryLabel(e: Entry, index: number): string {
	return `allowlist #${e.id ?? index + 1}: ${e.reason}`;
}
