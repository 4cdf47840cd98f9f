/**
 * `lateral export`: the shortlist (or every finding) as CSV, JSON or Markdown.
 */
import path from 'node:path';
import type {Db} from '../db/open.ts';
import {entriesMatchingPair, listEntries} from '../db/allowlist.ts';
import {describeEntry} from '../allowlist/entry.ts';
import {applicableEntries} from '../rules/entries.ts';
import {listMarks} from '../db/shortlist.ts';
import {queryEvents} from '../db/store.ts';
import {hunt} from '../detect/hunt.ts';
import type {Finding, HuntOptions} from '../detect/types.ts';
import {toCaseCsv, toCaseJson, toCaseMarkdown, type CaseExport, type CaseFinding} from '../export/case.ts';
import {parseDuration, parseInstant} from '../util/time.ts';
import {stringFlag, writeOutput, type Command} from './command.ts';
import {formatOf, openFromFlags, tzOf} from './options.ts';

/** Evidence lines kept per finding in an export. */
const EVIDENCE_CAP = 200;

const FORMATS = ['csv', 'json', 'md'] as const;

/**
 * Gathers a case export: the profile's findings (all, or those on the shortlist; a shortlisted
 * pair that is not a finding under this profile and window is still exported, from its events).
 */
export function buildCase(db: Db, options: HuntOptions, all: boolean): CaseExport {
	const result = hunt(db, options);
	const marks = new Map(listMarks(db).map(m => [`${m.src_ip}\u0000${m.user}`, m]));
	const byKey = new Map(result.findings.map(f => [`${f.src_ip}\u0000${f.user}`, f]));
	// A shortlisted pair the allowlist suppresses is exported as the finding it is without the
	// allowlist, saying which entries hide it, as the console's detail shows it.
	let unsuppressed: Map<string, Finding> | undefined;
	const suppressedFinding = (src: string, user: string): Finding | undefined => {
		if (options.allowlist === false) return undefined;
		unsuppressed ??= new Map(hunt(db, {...options, allowlist: false}).findings.map(f => [`${f.src_ip}\u0000${f.user}`, f]));
		const f = unsuppressed.get(`${src}\u0000${user}`);
		if (!f) return undefined;
		const entries = entriesMatchingPair(db, f, {since: result.since, until: result.now}, result.profile);
		const detail = `not a finding with the allowlist applied: suppressed by ${entries.map(e => `entry ${e.id} (${describeEntry(e)}: ${e.reason})`).join(', ') || 'the allowlist'}; score and counts without it`;
		return {...f, reasons: [{signal: 'allowlisted', points: 0, detail}, ...f.reasons]};
	};
	const chosen: Finding[] = all
		? result.findings
		: [...marks.values()].map(m => byKey.get(`${m.src_ip}\u0000${m.user}`) ?? suppressedFinding(m.src_ip, m.user) ?? findingFromEvents(db, m.src_ip, m.user, result.since, result.now));
	// A finding's evidence is what its counts are of: a live one's leaves out the logons the
	// allowlist suppresses (a suppressed or unflagged pair's stand-in counts every logon).
	const today = Date.now();
	const live = new Set(result.findings);
	const findings: CaseFinding[] = chosen.map(f => {
		const events = queryEvents(db, {
			src: f.src_ip, user: f.user, since: result.since ?? undefined, until: result.since === null ? undefined : result.now,
			...(live.has(f) && options.allowlist !== false ? {allowlist: {profile: result.profile, today}} : {}),
		}).filter(e => e.user === f.user);
		return {finding: f, mark: marks.get(`${f.src_ip}\u0000${f.user}`), evidence: events.slice(0, EVIDENCE_CAP), evidenceTotal: events.length};
	});
	const allowlist = options.allowlist === false ? [] : applicableEntries(listEntries(db, today), result.profile);
	return {profile: result.profile, tz: options.tz, since: result.since, now: result.now, findings, allowlist, all};
}

/** A zero-score stand-in for a shortlisted pair the profile does not flag: its plain counts. */
function findingFromEvents(db: Db, src: string, user: string, since: number | null, now: number | undefined): Finding {
	const events = queryEvents(db, {src, user, since: since ?? undefined, until: since === null ? undefined : now}).filter(e => e.user === user);
	const targets = [...new Set(events.map(e => e.target).filter((t): t is string => t !== null))].sort();
	const failed = events.filter(e => e.outcome === 'failure').length;
	return {
		src_ip: src, user, first_seen: events[0]?.ts ?? 0, last_seen: events.at(-1)?.ts ?? 0, targets, target_count: targets.length,
		total: events.length, failed, success: events.length - failed, after_hours: false, score: 0,
		reasons: [{signal: 'not-flagged', points: 0, detail: 'shortlisted, but not a finding of this profile in this window'}],
	};
}

/**
 * The export's format: --format (markdown is md), else what --out's extension says (.csv, .json,
 * .md, .markdown), else md.
 */
export function exportFormat(flags: Record<string, unknown>): typeof FORMATS[number] {
	const given = stringFlag(flags, 'format');
	const out = stringFlag(flags, 'out');
	const extension = out === undefined ? undefined : path.extname(out).slice(1).toLowerCase();
	const named = given ?? (extension === 'csv' || extension === 'json' || extension === 'md' || extension === 'markdown' ? extension : undefined);
	return formatOf({format: named === 'markdown' ? 'md' : named}, FORMATS, 'md');
}

export const exportCommand: Command = {
	name: 'export',
	summary: 'write the shortlist (or all findings) as csv, json or markdown',
	help: `
Usage
  $ lateral export --format csv|json|md [--all] [--profile NAME] [--out FILE]

Without --all: the shortlist (lateral mark, or m in the console) with status, note, score
breakdown, target hosts and evidence. With --all: every finding of the profile. Output is
deterministic so two runs diff cleanly. CSV cells that a spreadsheet would run as a formula
(= + - @) are prefixed with ' to stay text; controls such as tab or ESC show as \\x09, \\x1b.

Options
  --format FMT      csv | json | md (or markdown); default: --out's extension (.csv, .json,
                    .md), else md
  --all             every finding, not only the shortlist
  --profile NAME    profile (default lateral)
  --now ISO, --window DUR|all, --no-allowlist   as for hunt
  --out FILE        write to FILE instead of standard output

Examples
  $ lateral export --out case-2291.md
  $ lateral export --all --format csv --profile logscale > findings.csv
`,
	flags: {
		format: {type: 'string'},
		all: {type: 'boolean', default: false},
		profile: {type: 'string', default: 'lateral'},
		now: {type: 'string'},
		window: {type: 'string'},
		allowlist: {type: 'boolean', default: true},
		out: {type: 'string'},
	},
	async run({flags, stdout, stderr}) {
		const tz = tzOf(flags);
		const format = exportFormat(flags);
		const nowText = stringFlag(flags, 'now');
		const windowText = stringFlag(flags, 'window');
		const db = openFromFlags(flags, {existing: 'empty', stderr});
		let text: string;
		try {
			const c = buildCase(db, {
				profile: stringFlag(flags, 'profile') ?? 'lateral',
				tz,
				now: nowText === undefined ? undefined : parseInstant(nowText, '--now', tz),
				window: windowText === undefined ? undefined : parseDuration(windowText) ?? null,
				allowlist: flags['allowlist'] !== false,
			}, flags['all'] === true);
			text = format === 'csv' ? toCaseCsv(c) : format === 'json' ? toCaseJson(c) : toCaseMarkdown(c);
		} finally {
			db.close();
		}

		return writeOutput(stdout, stringFlag(flags, 'out'), text);
	},
};
