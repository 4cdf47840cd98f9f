/**
 * Ready-made allowlist suggestions for the false-positive classes the seeds name (VDI brokers,
 * software distribution and backup accounts, jump servers, domain controllers), found in the data
 * and offered disabled: a hunter confirms them host by host (`allow enable ID`).
 */
import {withSmallSortRuns, type Db} from '../db/open.ts';
import {querySql} from '../detect/profiles.ts';
import type {Entry} from './entry.ts';

export interface Suggestion {
	class: 'vdi-broker' | 'software-distribution' | 'backup' | 'jump-server' | 'domain-controller';
	entry: Entry;
	/** Why it was suggested, in one line. */
	evidence: string;
}

/** Thresholds; the defaults suit a few hundred hosts. */
export const SUGGEST_DEFAULTS = {
	vdi_users: 10, vdi_hosts: 5, sweep_share: 0.3, sweep_min: 10, jump_users: 3, jump_hosts: 5, dc_share: 0.5, min_days: 2, night_end: 6,
};

interface Row {class: Suggestion['class']; src_ip: string | null; user: string | null; target: string | null; users: number; hosts: number; days: number; night_share: number}

const REASONS: Record<Suggestion['class'], string> = {
	'vdi-broker': 'VDI broker (suggested): authenticates many users to a pool of desktops',
	'software-distribution': 'software distribution (suggested): one account sweeping many hosts at night',
	backup: 'backup (suggested): backup account logging on to many hosts at night',
	'jump-server': 'jump server (suggested): administrators RDP in, then on to many servers',
	'domain-controller': 'domain controller or file server (suggested): logged on to from most sources',
};

/** What the data suggests, as disabled entries with their evidence. */
export function suggestEntries(db: Db, tz: string): Suggestion[] {
	// It groups every remote logon several ways: sorted in small runs, as a hunt is.
	const rows = withSmallSortRuns(db, () => db.prepare(querySql('allowlist-suggestions.sql')).all({...SUGGEST_DEFAULTS, tz}) as Row[]);
	return rows.map(r => {
		const base = {match: 'exact' as const, reason: REASONS[r.class], enabled: false};
		let entry: Entry;
		if (r.class === 'software-distribution' || r.class === 'backup') entry = {...base, kind: 'pair', src_ip: r.src_ip!, user: r.user!};
		else if (r.class === 'domain-controller') entry = {...base, kind: 'target', pattern: r.target!};
		else entry = {...base, kind: 'src_ip', pattern: r.src_ip!};
		const night = `${Math.round(r.night_share * 100)}% at night`;
		const evidence = r.class === 'domain-controller'
			? `${r.hosts} sources, ${r.users} users, on ${r.days} days`
			: `${r.users} user${r.users === 1 ? '' : 's'} to ${r.hosts} hosts on ${r.days} days, ${night}`;
		return {class: r.class, entry, evidence};
	});
}
