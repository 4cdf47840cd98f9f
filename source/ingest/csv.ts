/**
 * CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks), streamed as rows with the
 * line each row starts on. Used by the QRadar, LANL and mapped-CSV readers.
 */
import type {RawRecord} from './types.ts';
import {readLines} from './text.ts';

export interface Row {
	line: number;
	fields: string[];
	/** Set when the row is malformed (an unterminated quote); `fields` then holds what was read. */
	error?: string;
}

/** Rows longer than this many lines (an unbalanced quote swallowing the file) are cut off. */
const MAX_ROW_LINES = 1000;

/** Splits CSV text into rows, streaming. Empty lines are skipped. */
export async function * readCsvRows(file: string): AsyncGenerator<Row> {
	let fields: string[] = [];
	let field = '';
	let quoted = false;
	let rowLine = 0;
	let rowLines = 0;
	let lastLine = 0;
	for await (const {line, text} of readLines(file)) {
		lastLine = line;
		if (!quoted) {
			if (text.trim() === '') continue;
			rowLine = line;
			rowLines = 0;
		} else {
			field += '\n';
		}

		rowLines++;
		for (let i = 0; i < text.length; i++) {
			const c = text[i];
			if (quoted) {
				if (c === '"') {
					if (text[i + 1] === '"') {
						field += '"';
						i++;
					} else {
						quoted = false;
					}
				} else {
					field += c;
				}
			} else if (c === '"' && field.length === 0) {
				quoted = true;
			} else if (c === ',') {
				fields.push(field);
				field = '';
			} else {
				field += c;
			}
		}

		if (quoted && rowLines < MAX_ROW_LINES) continue;
		if (quoted) {
			yield {line: rowLine, fields, error: `unterminated quoted field (runs over ${MAX_ROW_LINES} lines)`};
			quoted = false;
		} else {
			fields.push(field);
			yield {line: rowLine, fields};
		}

		fields = [];
		field = '';
	}

	// The rows of the lines it swallowed are not read: say which, so that they are not missed.
	if (quoted) yield {line: rowLine, fields, error: `unterminated quoted field at the end of the file${lastLine > rowLine ? ` (lines ${rowLine}-${lastLine} read as one row)` : ''}`};
}

/**
 * CSV with a header row: each later row as an object keyed by the header's names. A row with a
 * different number of fields than the header is an error record.
 */
export async function * readCsvObjects(file: string): AsyncGenerator<RawRecord> {
	let header: string[] | undefined;
	for await (const row of readCsvRows(file)) {
		if (row.error) {
			yield {line: row.line, error: row.error};
			continue;
		}

		if (!header) {
			header = row.fields.map(f => f.trim());
			continue;
		}

		if (row.fields.length !== header.length) {
			yield {line: row.line, error: `expected ${header.length} fields as in the header, found ${row.fields.length}`};
			continue;
		}

		const value: Record<string, string> = {};
		for (const [i, name] of header.entries()) value[name] = row.fields[i]!;
		yield {line: row.line, value};
	}
}

/** The first line of `head` split as a CSV header (no quoted line breaks expected there). */
export function csvHeader(head: string): string[] {
	const first = head.split(/\r?\n/, 1)[0] ?? '';
	return first.split(',').map(f => f.trim().replace(/^"(.*)"$/, '$1'));
}
