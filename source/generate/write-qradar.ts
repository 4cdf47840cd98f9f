/**
 * QRadar Ariel search results, as JSON (`{"events":[...]}`) or CSV, with the columns the AQL
 * seed selects. QRadar names hosts by address, so the target is `destinationip` (each host's
 * stable IP). A few events come from another log source type ("Linux OS": sshd logons that
 * QRadar's Linux DSM maps to 4624) so the seed's log-source filter has something to remove.
 */
import path from 'node:path';
import type {WinEvent} from './events.ts';
import {TextSink} from './sink.ts';
import type {WindowsWriter} from './writer.ts';

export const QRADAR_JSON_FILE = 'qradar.json';
export const QRADAR_CSV_FILE = 'qradar.csv';
export const QRADAR_COLUMNS = ['starttime', 'sourceip', 'destinationip', 'username', 'eventid', 'LogonType', 'logsourcetypename'] as const;
export const WINDOWS_LOG_SOURCE = 'Microsoft Windows Security Event Log';

export interface QradarRow {
	starttime: number;
	sourceip: string;
	destinationip: string;
	username: string;
	eventid: number;
	LogonType: string;
	logsourcetypename: string;
}

/** One Ariel result row for an event. */
export function qradarRow(ev: WinEvent): QradarRow {
	return {
		starttime: ev.ts,
		// QRadar's sourceip is an address column: a logon without one reads 0.0.0.0.
		sourceip: ev.srcIp === '-' ? '0.0.0.0' : ev.srcIp,
		destinationip: ev.target.ip,
		username: ev.user,
		eventid: ev.id,
		LogonType: ev.id === 4672 ? '' : String(ev.logonType),
		logsourcetypename: ev.logSource ?? WINDOWS_LOG_SOURCE,
	};
}

/** A CSV cell, quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number): string {
	const text = String(value);
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function counter() {
	let records = 0;
	let skipped = 0;
	return {
		add(ev: WinEvent) {
			if (ev.id === 4624 || ev.id === 4625) records++;
			else skipped++;
		},
		get: () => ({records, skipped}),
	};
}

export function qradarJsonWriter(dir: string): WindowsWriter {
	const sink = new TextSink(path.join(dir, QRADAR_JSON_FILE));
	const count = counter();
	let first = true;
	sink.write('{"events":[\n');
	return {
		write(ev) {
			sink.write(`${first ? '' : ',\n'}${JSON.stringify(qradarRow(ev))}`);
			first = false;
			count.add(ev);
		},
		close() {
			sink.write(first ? ']}\n' : '\n]}\n');
			sink.close();
			return {file: QRADAR_JSON_FILE, format: 'qradar', ...count.get()};
		},
	};
}

export function qradarCsvWriter(dir: string): WindowsWriter {
	const sink = new TextSink(path.join(dir, QRADAR_CSV_FILE));
	const count = counter();
	sink.write(`${QRADAR_COLUMNS.join(',')}\n`);
	return {
		write(ev) {
			const row = qradarRow(ev);
			sink.write(`${QRADAR_COLUMNS.map(c => csvCell(row[c])).join(',')}\n`);
			count.add(ev);
		},
		close() {
			sink.close();
			return {file: QRADAR_CSV_FILE, format: 'qradar', ...count.get()};
		},
	};
}
