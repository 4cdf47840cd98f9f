/**
 * Row formats shared by commands: JSON, NDJSON and CSV of plain objects.
 */
import type {Reason} from '../detect/types.ts';
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

/**
 * A finding's score breakdown in one CSV cell, each signal with its points: `target-spread+1
 * after-hours+3` (the JSON formats keep each reason's detail).
 */
export function reasonsCell(reasons: Reason[]): string {
	return reasons.map(r => `${r.signal}+${r.points}`).join(' ');
}

/** Rows for a CSV: a `reasons` list of a scored profile's row made one cell (reasonsCell). */
export function csvRows(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
	return rows.map(row => Array.isArray(row['reasons']) ? {...row, reasons: reasonsCell(row['reasons'] as Reason[])} : row);
}
