/**
 * What a hunt takes and gives, shared by every profile, the CLI and the console.
 */

/** One signal's contribution to a finding's score. */
export interface Reason {
	signal: string;
	points: number;
	detail: string;
}

/**
 * One finding in the profile-independent shape (the console, exports and the allowlist use it).
 * Times are epoch ms UTC.
 */
export interface Finding {
	src_ip: string;
	user: string;
	first_seen: number;
	last_seen: number;
	/** Distinct non-null targets, sorted ascending. */
	targets: string[];
	target_count: number;
	total: number;
	failed: number;
	success: number;
	after_hours: boolean;
	score: number;
	/** The score broken down; the points add up to `score`. */
	reasons: Reason[];
	/** The hop into this finding's source, when it is part of a chain (scored profiles). */
	hop?: Hop;
}

/** A remote logon into a host that then became a source: the previous link of a chain. */
export interface Hop {
	/** The source of the earlier logon. */
	from_ip: string;
	from_user: string;
	/** The host (target name) that was logged on to, which is this finding's source. */
	via: string;
	/** Epoch ms, UTC. */
	ts: number;
}

export interface HuntOptions {
	/** Profile name (qradar, logscale, lateral) or a profile file path. */
	profile: string;
	/** End of the window, epoch ms; default the newest logon in the store. */
	now?: number;
	/** Window length in ms; null = no window (`all`); undefined = the profile's default. */
	window?: number | null;
	/** IANA zone for after-hours and displayed times. */
	tz: string;
	/** Keep at most this many findings. */
	limit?: number;
	/** Apply the allowlist (default true). */
	allowlist?: boolean;
	/** Apply only this allowlist entry (enabled or not): how hit counts are measured. */
	onlyEntry?: number;
	/** Answer from the hunt cache when the same hunt ran over the same data (default true). */
	cache?: boolean;
	/** Only the findings: leave `rows` empty (the console shows findings, and sends them between processes). */
	findingsOnly?: boolean;
}

export interface HuntResult {
	profile: string;
	/** The `now` used, epoch ms (undefined when the store is empty). */
	now: number | undefined;
	/** Inclusive window start, epoch ms; null without a window. */
	since: number | null;
	tz: string;
	/** Rows exactly as the profile's JSON output names them (SPEC 4.1, 4.2, 4.3); empty with `findingsOnly`. */
	rows: Array<Record<string, unknown>>;
	/** The same findings in the shared shape, same order as rows. */
	findings: Finding[];
}
