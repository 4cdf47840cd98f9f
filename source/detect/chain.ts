/**
 * Hop chains as paths: from the findings of one hunt (each carries the hop into its source, when
 * the profile found one), the chain a finding belongs to, laid out as an indented path from the
 * first source through every host that was reached and left again. Pure: the first logon time
 * of each target comes from the caller (a named statement in source/db/chains.ts).
 */
import type {Finding} from './types.ts';

/** One target a pair logged on to: when first, and whether every attempt failed. */
export interface TargetTime {
	target: string;
	/** Epoch ms of the first successful logon, or of the first attempt when none succeeded. */
	ts: number;
	failedOnly: boolean;
}

/** One line of a chain: the root source (depth 0) or a logon from the line above it. */
export interface ChainRow {
	depth: number;
	/** Epoch ms of the logon (undefined on the root line). */
	ts?: number;
	/** The source of the logon (the root: the first source). */
	src: string;
	user?: string;
	/** The host logged on to (undefined on the root line). */
	target?: string;
	/** The target moved on from: the address it is known by as a source. */
	via?: string;
	failedOnly?: boolean;
	/** The finding this line belongs to, and its score. */
	finding?: {src: string; user: string; score: number};
	/** The line is (part of) the finding the chain was opened from. */
	selected: boolean;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const keyOf = (src: string, user: string) => `${src}\u0000${user.toLowerCase()}`;

/** Findings whose hop came from `f`: `f`'s account reached their source, which moved on. */
function childrenOf(f: Finding, findings: Finding[]): Finding[] {
	return findings.filter(c => c.hop !== undefined && c.hop.from_ip === f.src_ip && same(c.hop.from_user, f.user));
}

/** The finding that made `f`'s hop, if it is one. */
function parentOf(f: Finding, findings: Finding[]): Finding | undefined {
	const hop = f.hop;
	return hop && findings.find(p => p.src_ip === hop.from_ip && same(p.user, hop.from_user));
}

/** True when the finding is a link of a hop chain: it hopped, or a hop came from it. */
export function inChain(findings: Finding[], src: string, user: string): boolean {
	const f = findings.find(x => x.src_ip === src && x.user === user);
	return f !== undefined && (f.hop !== undefined || childrenOf(f, findings).length > 0);
}

/**
 * The chain through the finding (src, user) as indented rows, or undefined when it is not part
 * of one. The root is the first source up the chain; under each pair, its targets in time order;
 * under a target that a later finding moved on from, that finding's targets.
 */
export function chainRows(findings: Finding[], src: string, user: string, targetsOf: (src: string, user: string) => TargetTime[]): ChainRow[] | undefined {
	const start = findings.find(x => x.src_ip === src && x.user === user);
	if (!start || !inChain(findings, src, user)) return undefined;
	// Walk up to the first finding of the chain (guarding against loops).
	const up = new Set([keyOf(start.src_ip, start.user)]);
	let top = start;
	for (let p = parentOf(top, findings); p && !up.has(keyOf(p.src_ip, p.user)); p = parentOf(top, findings)) {
		up.add(keyOf(p.src_ip, p.user));
		top = p;
	}

	const rows: ChainRow[] = [];
	const seen = new Set<string>();
	const isStart = (f: Finding) => f === start;
	const tag = (f: Finding) => ({src: f.src_ip, user: f.user, score: f.score});
	// The top hopped too, from a pair that is not a finding: that logon is the first line.
	if (top.hop) {
		rows.push({depth: 0, src: top.hop.from_ip, selected: false});
		rows.push({depth: 1, ts: top.hop.ts, src: top.hop.from_ip, user: top.hop.from_user, target: top.hop.via, via: top.src_ip, selected: false});
		emit(top, 2);
	} else {
		rows.push({depth: 0, src: top.src_ip, finding: tag(top), selected: isStart(top)});
		emit(top, 1);
	}

	return rows;

	function emit(f: Finding, depth: number): void {
		const key = keyOf(f.src_ip, f.user);
		if (seen.has(key)) return;
		seen.add(key);
		const children = childrenOf(f, findings);
		const targets = targetsOf(f.src_ip, f.user).filter(t => f.targets.some(x => same(x, t.target)));
		// A child's hop target may be missing from the targets (outside the window): add it.
		for (const c of children) {
			if (!targets.some(t => same(t.target, c.hop!.via))) targets.push({target: c.hop!.via, ts: c.hop!.ts, failedOnly: false});
		}

		targets.sort((a, b) => a.ts - b.ts || a.target.localeCompare(b.target));
		for (const t of targets) {
			const child = children.find(c => same(c.hop!.via, t.target));
			rows.push({
				depth, ts: child ? child.hop!.ts : t.ts, src: f.src_ip, user: f.user, target: t.target, failedOnly: t.failedOnly,
				finding: tag(f), selected: isStart(f), ...(child ? {via: child.src_ip} : {}),
			});
			if (child) emit(child, depth + 1);
		}
	}
}
