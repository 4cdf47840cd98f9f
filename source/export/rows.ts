/**
 * Row formats shared by commands: JSON, NDJSON and CSV of plain objects.
 */
import {csvCell, jsonText} from '../util/sanitize.ts';

export const ROW_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type RowFormat = (typeof ROW_FORMATS)[number];

export function toJson(rows: unknown[]): string {
	return jsonText(rows, 2);
}

export function toNdjson(rows: unknown[]): string {
	return rows.map(r => jsonText(r)).join('\n');
}

/** CSV with a header from the first row's keys; formula-like cells neutralised (OWASP). */
export function toCsv(rows: Array<Record<string, unknown>>, keys?: string[]): string {
	const header = keys ?? Object.keys(rows[0] ?? {});
	const lines = [header.map(k => csvCell(k)).join(',')];
	for (const row of rows) lines.push(header.map(k => csvCell(row[k])).join(','));
	return lines.join('\n');
}
