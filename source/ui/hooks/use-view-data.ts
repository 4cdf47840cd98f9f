/**
 * The data behind the view on screen. Views are pure renderers; this hook asks `source/db` and
 * `source/detect` for the counts and the window of rows the view will draw, and says what the
 * selected row points at (for pivots, the allowlist and the shortlist).
 */
import {useEffect, useMemo, useState} from 'react';
import type {Db} from '../../db/open.ts';
import {entityGroups, entitySummary, pairEventCount, pairEvents, timelineBuckets, type EntitySummary, type GroupRow, type PairEvent} from '../../db/pivots.ts';
import {listDatasets, type DatasetRow} from '../../db/store.ts';
import {getMark, listMarks, type Mark} from '../../db/shortlist.ts';
import {entriesMatchingPair, hitCounts, listEntries, type Hits, type StoredEntry} from '../../db/allowlist.ts';
import {loadProfile} from '../../detect/profiles.ts';
import {chainRows, type ChainRow} from '../../detect/chain.ts';
import {pairTargetTimes} from '../../db/chains.ts';
import type {Finding, HuntResult} from '../../detect/types.ts';
import {KEYMAP, type Binding} from '../keymap.ts';
import {visibleOffset, type Entity, type Frame, type Subject} from '../state.ts';
import {pageRows, reasonLines} from '../components/layout.ts';
import {DAY_MS, mod} from '../../util/time.ts';

/** What the selected row points at. */
export interface Selection {
	src?: string;
	user?: string;
	target?: string;
}

/** One day of a timeline: logons per local hour 0-23; or a gap, a run of days without any. */
export interface TimelineDay {
	/** Days since 1970-01-01 in the zone. */
	day: number;
	/** `yyyy-MM-dd`. */
	date: string;
	/** 0 = Sunday. */
	weekday: number;
	hours: Array<{total: number; failed: number}>;
	total: number;
	failed: number;
	/** A row that stands for `days` days in a row without logons, from `date` to `until`. */
	gap?: {days: number; until: string};
}

/** A run of at least this many days without logons is one row (a week or more of nothing). */
export const TIMELINE_GAP_DAYS = 7;

/** When an hour counts as after hours under the profile in use. */
export interface AfterHoursRule {
	isAfterHours(weekday: number, hour: number): boolean;
	/** e.g. `outside 07:00-19:00 and weekends` */
	label: string;
}

export type ViewModel =
	| {view: 'findings'; count: number; offset: number; page: number; findings: Finding[]; marked: Set<string>; suppressed: Set<string>}
	| {view: 'finding'; count: number; offset: number; page: number; src: string; user: string; finding: Finding | undefined; suppressed: boolean; suppressedBy: number[]; mark: Mark | undefined; events: PairEvent[]; reasonsShown: number}
	| {view: 'entity'; count: number; offset: number; page: number; entity: Entity; summary: EntitySummary; groups: GroupRow[]; findings: Finding[]}
	| {view: 'timeline'; count: number; offset: number; page: number; subject: Subject; days: TimelineDay[]; max: number; total: number; failed: number; rule: AfterHoursRule}
	| {view: 'chain'; count: number; offset: number; page: number; src: string; user: string; rows: ChainRow[]}
	| {view: 'allowlist'; count: number; offset: number; page: number; entries: Array<{entry: StoredEntry; hits: Hits | undefined}>}
	| {view: 'shortlist'; count: number; offset: number; page: number; marks: Array<{mark: Mark; finding: Finding | undefined}>}
	| {view: 'datasets'; count: number; offset: number; page: number; datasets: DatasetRow[]}
	| {view: 'help'; count: number; offset: number; page: number; bindings: Binding[]};

export const pairKey = (src: string, user: string) => `${src}\u0000${user}`;

/** The after-hours rule of a profile: a scored profile's business hours and days, else before 06:00 (the seeds). */
export function afterHoursRule(profile: string): AfterHoursRule {
	let p;
	try {
		p = loadProfile(profile);
	} catch {
		p = undefined;
	}

	if (p?.kind === 'scored') {
		const [start, end] = p.signals.afterHours.businessHours;
		const days = new Set(p.signals.afterHours.businessDays);
		const hh = (n: number) => `${String(n).padStart(2, '0')}:00`;
		return {
			isAfterHours: (weekday, hour) => !days.has(weekday) || hour < start || hour >= end,
			label: `outside ${hh(start)}-${hh(end)}${days.size < 7 ? ' and on non-business days' : ''}`,
		};
	}

	return {isAfterHours: (_w, hour) => hour < 6, label: 'before 06:00'};
}

/**
 * Groups hour buckets into days, every day from the first to the last: empty days are rows too
 * (a weekend, a day off), but a run of TIMELINE_GAP_DAYS or more is one gap row, so that a few
 * busy days months apart do not sit among hundreds of blank lines.
 */
export function timelineDays(buckets: Array<{hour: number; total: number; failed: number}>): TimelineDay[] {
	if (buckets.length === 0) return [];
	const first = Math.floor(buckets[0]!.hour / 24);
	const last = Math.floor(buckets.at(-1)!.hour / 24);
	const days: TimelineDay[] = [];
	for (let day = first; day <= last; day++) {
		days.push({
			day,
			date: new Date(day * DAY_MS).toISOString().slice(0, 10),
			weekday: mod(day + 4, 7),
			hours: Array.from({length: 24}, () => ({total: 0, failed: 0})),
			total: 0,
			failed: 0,
		});
	}

	for (const b of buckets) {
		const d = days[Math.floor(b.hour / 24) - first]!;
		const cell = d.hours[mod(b.hour, 24)]!;
		cell.total += b.total;
		cell.failed += b.failed;
		d.total += b.total;
		d.failed += b.failed;
	}

	return foldGaps(days);
}

function foldGaps(days: TimelineDay[]): TimelineDay[] {
	const rows: TimelineDay[] = [];
	for (let i = 0; i < days.length;) {
		let end = i;
		while (end < days.length && days[end]!.total === 0) end++;
		if (end - i >= TIMELINE_GAP_DAYS) {
			rows.push({...days[i]!, hours: [], gap: {days: end - i, until: days[end - 1]!.date}});
			i = end;
		} else {
			rows.push(days[i]!);
			i++;
		}
	}

	return rows;
}

/** Findings an entity takes part in: as the source, the user, or one of the targets. */
export function findingsOf(entity: Entity, findings: Finding[]): Finding[] {
	const v = entity.value.toLowerCase();
	if (entity.kind === 'src') return findings.filter(f => f.src_ip === entity.value);
	if (entity.kind === 'user') return findings.filter(f => f.user.toLowerCase() === v);
	return findings.filter(f => f.targets.some(t => t.toLowerCase() === v));
}

export interface ViewDataInput {
	db: Db;
	frame: Frame;
	/** Lines of the body area. */
	body: number;
	hunt: HuntResult | undefined;
	/** Findings only the allowlist hides, listed (marked) when the hunter asks for them. */
	suppressed?: Finding[] | undefined;
	profile: string;
	tz: string;
	revision: number;
}

/** What each allowlist entry suppresses under `profile`; undefined when the profile cannot run. */
export function allowlistHits(db: Db, profile: string, tz: string): Map<number, Hits> | undefined {
	try {
		return listEntries(db).length > 0 ? hitCounts(db, profile, tz) : new Map();
	} catch {
		return undefined;
	}
}

/** Builds the model of the view on screen (exported for headless use and tests). */
export function viewModel(input: ViewDataInput & {hits?: Map<number, Hits> | undefined}): ViewModel {
	const {db, frame, body, hunt, profile, tz} = input;
	const hidden = input.suppressed ?? [];
	// Sorting is stable: among equal scores the hunt's own order comes first, suppressed ones after.
	const findings = hidden.length === 0 ? hunt?.findings ?? [] : [...hunt?.findings ?? [], ...hidden].sort((a, b) => b.score - a.score);
	const windowOf = (page: number) => ({page, offset: visibleOffset(frame, page)});
	switch (frame.view) {
		case 'findings': {
			const {page, offset} = windowOf(pageRows('findings', body));
			const marked = new Set(listMarks(db).map(m => pairKey(m.src_ip, m.user)));
			const suppressed = new Set(hidden.map(f => pairKey(f.src_ip, f.user)));
			return {view: 'findings', count: findings.length, offset, page, findings, marked, suppressed};
		}

		case 'finding': {
			const subject = frame.subject;
			const src = subject?.kind === 'pair' ? subject.src : '';
			const user = subject?.kind === 'pair' ? subject.user : '';
			const finding = findings.find(f => f.src_ip === src && f.user === user);
			const suppressed = finding !== undefined && hidden.includes(finding);
			const reasonsShown = reasonLines(Math.max(1, finding?.reasons.length ?? 1), body);
			const {page, offset} = windowOf(pageRows('finding', body, reasonsShown));
			// The evidence of a finding is what the hunt scored: its window (all loaded time without one).
			const w = {since: hunt?.since ?? null, until: hunt?.since === null || hunt?.since === undefined ? null : hunt.now ?? null};
			// A live finding's events are those its counts are of: without what the allowlist suppresses.
			const scope = finding !== undefined && !suppressed && hunt ? {profile: hunt.profile, today: Date.now()} : undefined;
			const count = pairEventCount(db, src, user, w, scope);
			// The entries that hide a suppressed finding, as its header names them.
			const suppressedBy = suppressed && hunt ? entriesMatchingPair(db, {src_ip: src, user}, {since: hunt.since, until: hunt.now}, hunt.profile).map(e => e.id) : [];
			return {
				view: 'finding', count, offset, page, src, user, finding, suppressed, suppressedBy, mark: getMark(db, src, user), reasonsShown,
				events: pairEvents(db, src, user, {limit: page, offset}, w, scope),
			};
		}

		case 'entity': {
			const entity = (frame.subject ?? {kind: 'src', value: ''}) as Entity;
			const {page, offset} = windowOf(pageRows('entity', body));
			const summary = entitySummary(db, entity.kind, entity.value);
			return {
				view: 'entity', count: summary.groups, offset, page, entity, summary,
				groups: entityGroups(db, entity.kind, entity.value, {limit: page, offset}),
				findings: findingsOf(entity, findings),
			};
		}

		case 'timeline': {
			const subject = frame.subject ?? {kind: 'src', value: ''};
			const {page, offset} = windowOf(pageRows('timeline', body));
			const days = timelineDays(timelineBuckets(db, subject, tz));
			const max = Math.max(0, ...days.flatMap(d => d.hours.map(h => h.total)));
			return {
				view: 'timeline', count: days.length, offset, page, subject, days, max, rule: afterHoursRule(profile),
				total: days.reduce((n, d) => n + d.total, 0), failed: days.reduce((n, d) => n + d.failed, 0),
			};
		}

		case 'chain': {
			const subject = frame.subject;
			const src = subject?.kind === 'pair' ? subject.src : '';
			const user = subject?.kind === 'pair' ? subject.user : '';
			const {page, offset} = windowOf(pageRows('chain', body));
			// Target times within what the hunt scored: its window (all loaded time without one).
			const w = {since: hunt?.since ?? null, until: hunt?.since === null || hunt?.since === undefined ? null : hunt.now ?? null};
			const rows = chainRows(findings, src, user, (s, u) => pairTargetTimes(db, s, u, w)) ?? [];
			return {view: 'chain', count: rows.length, offset, page, src, user, rows};
		}

		case 'allowlist': {
			const {page, offset} = windowOf(pageRows('allowlist', body));
			const entries = listEntries(db);
			const hits = input.hits;
			return {view: 'allowlist', count: entries.length, offset, page, entries: entries.map(entry => ({entry, hits: hits?.get(entry.id)}))};
		}

		case 'shortlist': {
			const {page, offset} = windowOf(pageRows('shortlist', body));
			const byKey = new Map(findings.map(f => [pairKey(f.src_ip, f.user), f]));
			const marks = listMarks(db).map(mark => ({mark, finding: byKey.get(pairKey(mark.src_ip, mark.user))}));
			return {view: 'shortlist', count: marks.length, offset, page, marks};
		}

		case 'datasets': {
			const {page, offset} = windowOf(pageRows('datasets', body));
			const datasets = listDatasets(db);
			return {view: 'datasets', count: datasets.length, offset, page, datasets};
		}

		case 'help': {
			const {page, offset} = windowOf(pageRows('help', body));
			return {view: 'help', count: KEYMAP.length, offset, page, bindings: [...KEYMAP]};
		}
	}
}

/** What the row under the cursor points at, for s/u/h, a, m, t and Enter. */
export function selectionOf(model: ViewModel, cursor: number): Selection | undefined {
	switch (model.view) {
		case 'findings': {
			const f = model.findings[cursor];
			return f && {src: f.src_ip, user: f.user, ...(f.targets.length === 1 ? {target: f.targets[0]} : {})};
		}

		case 'finding': {
			const e = model.events[cursor - model.offset];
			if (!e) return {src: model.src, user: model.user};
			return {src: e.src_ip ?? model.src, user: e.user ?? model.user, ...(e.target === null ? {} : {target: e.target})};
		}

		case 'entity': {
			const g = model.groups[cursor - model.offset];
			if (!g) return undefined;
			const value = model.entity.value;
			const pick = (v: string | null) => (v === null ? undefined : v);
			const sel = model.entity.kind === 'src' ? {src: value, user: pick(g.a), target: pick(g.b)}
				: model.entity.kind === 'user' ? {src: pick(g.a), user: value, target: pick(g.b)}
					: {src: pick(g.a), user: pick(g.b), target: value};
			return Object.fromEntries(Object.entries(sel).filter(([, v]) => v !== undefined)) as Selection;
		}

		case 'chain': {
			const r = model.rows[cursor];
			if (!r) return undefined;
			// A line is a logon of the pair in `finding` (or, first, the source the chain starts from).
			const pair = r.finding ?? (r.user === undefined ? undefined : {src: r.src, user: r.user});
			return {src: pair?.src ?? r.src, ...(pair ? {user: pair.user} : {}), ...(r.target === undefined ? {} : {target: r.target})};
		}

		case 'shortlist': {
			const m = model.marks[cursor];
			return m && {src: m.mark.src_ip, user: m.mark.user};
		}

		default:
			return undefined;
	}
}

/** The model of the view on screen, recomputed when the frame, the size or the data change. */
export function useViewData(input: ViewDataInput): ViewModel {
	const {db, frame, body, hunt, profile, tz, revision} = input;
	// Hit counts re-run the hunt once per entry: computed after the allowlist is on screen (so it
	// never opens blank) and again only when it or the profile changes, not per keystroke.
	const onAllowlist = frame.view === 'allowlist';
	const hitsKey = `${profile}\u0000${tz}\u0000${revision}`;
	const [hitsDone, setHitsDone] = useState<{db: Db; key: string; hits: Map<number, Hits> | undefined} | undefined>(undefined);
	useEffect(() => {
		if (!onAllowlist) return undefined;
		const timer = setTimeout(() => setHitsDone({db, key: hitsKey, hits: allowlistHits(db, profile, tz)}), 0);
		return () => clearTimeout(timer);
	}, [db, onAllowlist, hitsKey]); // eslint-disable-line react-hooks/exhaustive-deps
	const hits = onAllowlist && hitsDone?.db === db && hitsDone.key === hitsKey ? hitsDone.hits : undefined;
	return useMemo(
		() => viewModel({...input, hits}),
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[db, frame.view, JSON.stringify(frame.subject), frame.cursor, frame.offset, body, hunt, input.suppressed, profile, tz, revision, hits],
	);
}
