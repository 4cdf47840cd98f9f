/**
 * sshd: Linux auth.log / secure lines (SPEC 3). `Accepted <method> for USER from IP port N` is a
 * success, `Failed <method> for [invalid user] USER from IP port N` a failure, and rsyslog's
 * `message repeated N times: [ Failed ... ]` N more failures. The logging host is the target.
 * SSH logons are logon type 10, service `ssh`, so the seed profiles cover SSH lateral movement.
 *
 * Classic syslog times carry no year and no zone: the year is `--year` (from the first line on,
 * counting a December -> January turn), else the file's modification year (a line that would lie
 * after the file was last written belongs to the year before); the zone is `--tz`. ISO times
 * (rsyslog high precision, journald short-iso) are read as they are.
 */
import fs from 'node:fs';
import {readLines} from './text.ts';
import {address, port} from './fields.ts';
import {fromLocal, parseTimestamp} from '../util/time.ts';
import type {Format, Normalized, RawRecord, ReadOptions} from './types.ts';

/** What the reader hands the normalizer: the line and what it needs to date a classic stamp. */
export interface SyslogLine {
	text: string;
	/** Year for a classic (year-less) timestamp on this line. */
	year: number;
	/** When set (year from the file's mtime), epoch ms after which a date means the year before. */
	notAfter?: number;
}

/** Longest month lengths (February 29: the year is often a guess). */
const DAYS_IN = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const CLASSIC = /^([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s+(\S+)\s+(.*)$/;
const ISO = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+(\S+)\s+(.*)$/;
const PROCESS = /^sshd(?:-session)?(?:\[\d+\])?:\s*(.*)$/;
const ACCEPTED = /^Accepted (\S+) for (.*?) from (\S+) port (\d+)/;
const FAILED = /^Failed (\S+) for (?:invalid user )?(.*?) from (\S+) port (\d+)/;
const REPEATED = /^message repeated (\d+) times: \[\s*(.*?)\]?$/;

function monthOf(name: string): number {
	return MONTHS.indexOf(name.toLowerCase()) + 1;
}

export function normalizeSshd(raw: unknown, line: number, options: Pick<ReadOptions, 'tz'>): Normalized {
	const input = raw as SyslogLine;
	let ts: number;
	let host: string;
	let rest: string;
	let timeField: string;
	const classic = CLASSIC.exec(input.text);
	if (classic) {
		const [, mon, day, h, mi, s, frac = '0', hostName, tail] = classic;
		const month = monthOf(mon!);
		if (month === 0) return {kind: 'reject', reason: `"${mon}" is not a month`};
		if (Number(day) < 1 || Number(day) > DAYS_IN[month - 1]! || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
			return {kind: 'reject', reason: `"${mon} ${day} ${h}:${mi}:${s}" is not a valid time`};
		}

		const ms = Math.floor(Number(`0.${frac}`) * 1000);
		const at = (year: number) => fromLocal(year, month, Number(day), Number(h), Number(mi), Number(s), ms, options.tz);
		ts = at(input.year);
		if (input.notAfter !== undefined && ts > input.notAfter) ts = at(input.year - 1);
		host = hostName!;
		rest = tail!;
		timeField = `syslog time (year ${input.notAfter === undefined ? 'from --year' : 'from the file date'}, zone ${options.tz})`;
	} else {
		const iso = ISO.exec(input.text);
		if (!iso) return {kind: 'skip', reason: 'not a syslog line'};
		const parsed = parseTimestamp(iso[1]!, options.tz);
		if (!parsed) return {kind: 'reject', reason: `bad timestamp "${iso[1]}"`};
		ts = parsed.ts;
		host = iso[2]!;
		rest = iso[3]!;
		timeField = parsed.zoned ? 'ISO time' : `ISO time (no zone, read as ${options.tz})`;
	}

	const process = PROCESS.exec(rest);
	if (!process) return {kind: 'skip', reason: 'not sshd'};
	let message = process[1]!;
	let repeat = 1;
	const repeated = REPEATED.exec(message);
	if (repeated) {
		repeat = Number(repeated[1]);
		message = repeated[2]!;
	}

	const accepted = ACCEPTED.exec(message);
	const failed = accepted ? undefined : FAILED.exec(message);
	const match = accepted ?? failed;
	if (!match) return {kind: 'skip', reason: 'sshd message that is not a logon attempt'};
	const [, method, user, from, srcPort] = match;
	return {kind: 'logon', timeField, repeat, logon: {
		ts,
		outcome: accepted ? 'success' : 'failure',
		event_id: null,
		logon_type: 10,
		src_ip: address(from),
		src_port: port(srcPort),
		src_host: null,
		user: user!,
		domain: null,
		target: host,
		dst_host: host,
		dst_ip: null,
		service: 'ssh',
		auth_package: method!,
		log_source_type: null,
		raw_ref: line,
	}};
}

async function * readSyslog(file: string, options: ReadOptions): AsyncGenerator<RawRecord> {
	let year: number;
	let notAfter: number | undefined;
	if (options.year === undefined) {
		const mtime = fs.statSync(file).mtimeMs;
		year = new Date(mtime).getUTCFullYear();
		notAfter = mtime + 86_400_000; // a day of slack for zones and clock skew
	} else {
		year = options.year;
	}

	let lastMonth = 0;
	for await (const {line, text} of readLines(file)) {
		if (text.trim() === '') continue;
		if (notAfter === undefined) {
			// With a given year, a month earlier than the previous line's by half a year or more is January after December.
			const month = /^[A-Za-z]{3}/.test(text) ? monthOf(text.slice(0, 3)) : 0;
			if (month > 0) {
				if (lastMonth > 0 && month + 6 <= lastMonth) year++;
				lastMonth = month;
			}
		}

		yield {line, value: {text, year, notAfter} satisfies SyslogLine};
	}
}

export const sshdFormat: Format = {
	name: 'sshd',
	sniff(head) {
		// Every line of the head counts: a rotated auth.log.1 of a busy host can open with hundreds of
		// CRON and sudo lines before its first sshd one.
		const lines = head.split(/\r?\n/).filter(l => l.trim() !== '');
		if (lines.length === 0) return false;
		const syslog = (l: string) => CLASSIC.test(l) || ISO.test(l);
		if (!syslog(lines[0]!)) return false;
		return lines.some(l => syslog(l) && /\ssshd(?:-session)?[[(:]/.test(l));
	},
	read: readSyslog,
	normalize: normalizeSshd,
};
