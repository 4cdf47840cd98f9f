/**
 * `lateral mark` / `lateral unmark`: the shortlist, headless (the console's `m`).
 */
import os from 'node:os';
import {getMark, listMarks, markPair, pairLogged, unmarkPair, STATUSES, type Status} from '../db/shortlist.ts';
import {InputError, UsageError} from '../util/errors.ts';
import {neutralize} from '../util/sanitize.ts';
import {renderTable} from '../export/table.ts';
import {formatLocal} from '../util/time.ts';
import {println, stringFlag, type Command} from './command.ts';
import {openFromFlags, outputWidth, tzOf} from './options.ts';

function pairOf(flags: Record<string, unknown>, verb: string): {src_ip: string; user: string} {
	const src = stringFlag(flags, 'src');
	const user = stringFlag(flags, 'user');
	if (src === undefined || user === undefined) throw new UsageError(`${verb} needs --src IP and --user NAME (the finding's source and user)`);
	return {src_ip: src, user};
}

export const mark: Command = {
	name: 'mark',
	summary: 'shortlist a finding (status, note), or list the shortlist',
	help: `
Usage
  $ lateral mark --src IP --user NAME [--status open|escalated|benign] [--note TEXT]
  $ lateral mark --list

Marks the finding of (source, user) for the shortlist, or updates its status and note when it
is marked already. The author is taken from $USER. lateral export writes the shortlist.

Examples
  $ lateral mark --src 10.10.3.7 --user adm-jdoe --status escalated --note "RDP to 5 servers at 03:00"
  $ lateral mark --list
`,
	flags: {
		src: {type: 'string'},
		user: {type: 'string'},
		status: {type: 'string'},
		note: {type: 'string'},
		list: {type: 'boolean', default: false},
	},
	async run({flags, stdout, stderr}) {
		const db = openFromFlags(flags, {existing: 'required'});
		try {
			if (flags['list'] === true) {
				const tz = tzOf(flags);
				const marks = listMarks(db);
				if (marks.length === 0) println(stdout, 'The shortlist is empty. Mark a finding with lateral mark --src IP --user NAME.');
				else {
					println(stdout, renderTable(marks, [
						{header: 'STATUS', value: m => m.status},
						{header: 'SOURCE', value: m => m.src_ip},
						{header: 'USER', value: m => m.user, flexible: true, min: 8},
						{header: 'BY', value: m => m.author},
						{header: `UPDATED (${tz})`, value: m => formatLocal(m.updated_at, tz).slice(0, 16)},
						{header: 'NOTE', value: m => m.note, flexible: true, min: 8},
					], outputWidth(stdout)));
				}

				return 0;
			}

			const pair = pairOf(flags, 'mark');
			const status = stringFlag(flags, 'status');
			if (status !== undefined && !STATUSES.includes(status as Status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')} (got "${status}")`);
			const note = typeof flags['note'] === 'string' ? flags['note'] : undefined;
			// A pair with no logons is marked all the same (a case may name it before its logs are
			// loaded), but a name mistyped should not go unnoticed.
			if (getMark(db, pair.src_ip, pair.user) === undefined && !pairLogged(db, pair.src_ip, pair.user)) {
				println(stderr, `lateral: no logon of ${neutralize(pair.user)} from ${neutralize(pair.src_ip)} is loaded (names are matched exactly, as spelled in the logs: lateral events --src ${neutralize(pair.src_ip)})`);
			}

			const m = markPair(db, {...pair, status: status as Status | undefined, note, author: process.env['USER'] ?? os.userInfo().username});
			println(stdout, `marked ${neutralize(m.user)} from ${neutralize(m.src_ip)}: ${m.status}${m.note ? ` — ${neutralize(m.note)}` : ''}`);
			return 0;
		} finally {
			db.close();
		}
	},
};

export const unmark: Command = {
	name: 'unmark',
	summary: 'remove a finding from the shortlist',
	help: `
Usage
  $ lateral unmark --src IP --user NAME

Example
  $ lateral unmark --src 10.10.3.7 --user adm-jdoe
`,
	flags: {src: {type: 'string'}, user: {type: 'string'}},
	async run({flags, stdout}) {
		const pair = pairOf(flags, 'unmark');
		const db = openFromFlags(flags, {existing: 'required'});
		try {
			if (!unmarkPair(db, pair.src_ip, pair.user)) throw new InputError(`${pair.user} from ${pair.src_ip}`, 'not on the shortlist');
			println(stdout, `unmarked ${neutralize(pair.user)} from ${neutralize(pair.src_ip)}`);
			return 0;
		} finally {
			db.close();
		}
	},
};
