/**
 * The case export: findings (shortlisted or all) with their marks, score breakdown and evidence,
 * as CSV, JSON or Markdown. Pure: rows in, text out; the command gathers the rows and writes.
 * Every export is deterministic (no generation time, stable order) so two runs diff cleanly.
 */
import type {Finding} from '../detect/types.ts';
import type {Mark} from '../db/shortlist.ts';
import type {Entry} from '../allowlist/entry.ts';
import {describeEntry, entryForFile} from '../allowlist/entry.ts';
import {formatIso, formatLocal} from '../util/time.ts';
import {csvCell, jsonText, neutralize} from '../util/sanitize.ts';
import {reasonsCell} from './rows.ts';
import type {Logon} from '../ingest/types.ts';

/** One piece of evidence: a logon with the file and line it came from. */
export type Evidence = Logon & {path: string};

export interface CaseFinding {
	finding: Finding;
	/** The shortlist mark, when the pair is marked. */
	mark?: Mark;
	/** The logons behind the finding, oldest first (capped by the caller). */
	evidence: Evidence[];
	/** How many logons there were before the cap. */
	evidenceTotal: number;
}

export interface CaseExport {
	profile: string;
	tz: string;
	/** Window, epoch ms; since null = no window. */
	since: number | null;
	now: number | undefined;
	findings: CaseFinding[];
	/** Allowlist entries that applied to the hunt. */
	allowlist: Entry[];
	/** true: every finding of the profile; false: the shortlist. */
	all: boolean;
}

const CSV_COLUMNS = ['src_ip', 'user', 'status', 'note', 'score', 'target_count', 'targets', 'total', 'failed', 'success', 'after_hours', 'first_seen', 'last_seen', 'reasons'] as const;

/**
 * A finding's first or last time; none (null) for a shortlisted pair with no logons in the window,
 * whose stand-in (lateral export) has no times, rather than 1970-01-01.
 */
function seenIso(ts: number, f: Finding, tz: string): string | null {
	return f.total === 0 ? null : formatIso(ts, tz);
}

export function toCaseCsv(c: CaseExport): string {
	const lines = [CSV_COLUMNS.join(',')];
	for (const {finding: f, mark} of c.findings) {
		const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
			src_ip: f.src_ip,
			user: f.user,
			status: mark?.status ?? '',
			note: mark?.note ?? '',
			score: f.score,
			target_count: f.target_count,
			targets: f.targets.join(' '),
			total: f.total,
			failed: f.failed,
			success: f.success,
			after_hours: f.after_hours ? 1 : 0,
			first_seen: seenIso(f.first_seen, f, c.tz),
			last_seen: seenIso(f.last_seen, f, c.tz),
			reasons: reasonsCell(f.reasons),
		};
		lines.push(CSV_COLUMNS.map(k => csvCell(row[k])).join(','));
	}

	return `${lines.join('\n')}\n`;
}

export function toCaseJson(c: CaseExport): string {
	return `${jsonText({
		profile: c.profile,
		tz: c.tz,
		window: {since: c.since === null ? null : formatIso(c.since, c.tz), until: c.since === null || c.now === undefined ? null : formatIso(c.now, c.tz)},
		scope: c.all ? 'all findings' : 'shortlist',
		findings: c.findings.map(({finding: f, mark, evidence, evidenceTotal}) => ({
			src_ip: f.src_ip,
			user: f.user,
			status: mark?.status ?? null,
			note: mark?.note ?? null,
			marked_by: mark?.author ?? null,
			marked_at: mark ? formatIso(mark.marked_at, 'UTC') : null,
			first_seen: seenIso(f.first_seen, f, c.tz),
			last_seen: seenIso(f.last_seen, f, c.tz),
			targets: f.targets,
			target_count: f.target_count,
			total: f.total,
			failed: f.failed,
			success: f.success,
			score: f.score,
			reasons: f.reasons,
			evidence_total: evidenceTotal,
			evidence: evidence.map(e => ({
				ts: e.ts, time: formatIso(e.ts, c.tz), outcome: e.outcome, event_id: e.event_id, logon_type: e.logon_type,
				src_ip: e.src_ip, src_host: e.src_host, user: e.user, domain: e.domain, target: e.target,
				service: e.service, file: e.path, line: e.raw_ref,
			})),
		})),
		applied_allowlist: c.allowlist.map(e => entryForFile(e)),
	}, 2)}\n`;
}

/** Markdown-safe inline text: escapes the characters that would change the layout of a table or code span. */
function md(text: string): string {
	return neutralize(text).replace(/[\\`*_|<>[\]]/g, ch => `\\${ch}`);
}

/** A ready-to-paste case summary: per finding who/where/when, score breakdown, targets, evidence. */
export function toCaseMarkdown(c: CaseExport): string {
	const time = (ts: number) => `${formatLocal(ts, c.tz)} ${c.tz}`;
	const out: string[] = [];
	out.push(`# Lateral movement hunt: ${c.all ? 'all findings' : 'shortlist'} (${c.findings.length})`, '');
	out.push(`- Profile: \`${c.profile}\``);
	out.push(`- Window: ${c.since === null || c.now === undefined ? 'all loaded data' : `${time(c.since)} to ${time(c.now)}`}`);
	out.push(`- Allowlist entries applied: ${c.allowlist.length}`, '');
	if (c.findings.length === 0) out.push(c.all ? '_No findings._' : '_Nothing is shortlisted yet (mark findings with `m` in the console or `lateral mark`)._', '');
	for (const {finding: f, mark, evidence, evidenceTotal} of c.findings) {
		out.push(`## ${md(f.user)} from ${md(f.src_ip)}: score ${f.score}`, '');
		if (mark) out.push(`- Status: **${mark.status}**${mark.note ? `, note: ${md(mark.note)}` : ''}${mark.author ? ` (marked by ${md(mark.author)})` : ''}`);
		out.push(`- When: ${f.total === 0 ? 'no logons in this window' : `${time(f.first_seen)} to ${time(f.last_seen)}`}${f.after_hours ? ' (after hours)' : ''}`);
		out.push(`- Logons: ${f.total} (${f.success} succeeded, ${f.failed} failed)`);
		out.push(`- Target hosts (${f.target_count}): ${f.targets.map(t => md(t)).join(', ') || 'none recorded'}`, '');
		out.push('| signal | points | detail |', '|---|---:|---|');
		for (const r of f.reasons) out.push(`| ${md(r.signal)} | ${r.points} | ${md(r.detail)} |`);
		out.push('', `Evidence (${evidence.length} of ${evidenceTotal} logons):`, '', '```');
		for (const e of evidence) {
			const line = `${formatLocal(e.ts, c.tz)} ${e.outcome.padEnd(7)} type=${e.logon_type ?? '-'} ${e.src_ip ?? '-'} -> ${e.target ?? '-'} user=${e.user ?? '-'}${e.domain ? `@${e.domain}` : ''} [${e.path}:${e.raw_ref}]`;
			out.push(neutralize(line.replace(/```/g, "'''")));
		}

		out.push('```', '');
	}

	if (c.allowlist.length > 0) {
		out.push('## Allowlist applied', '');
		for (const e of c.allowlist) out.push(`- ${md(describeEntry(e))}: ${md(e.reason)}`);
		out.push('');
	}

	return out.join('\n');
}
