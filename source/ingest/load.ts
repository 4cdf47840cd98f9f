/**
 * Loading files into the store: expand folders, skip already-loaded bytes (sha256), detect the
 * format, stream and normalize records, and write each file inside one transaction so a file
 * is either completely loaded or not at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type {Db} from '../db/open.ts';
import {bulkLogonWriter, createIndexes, dropIndexes, finishDataset, findDatasetBySha, insertDataset, logonIndexes, logonSpan, rejectInserter} from '../db/store.ts';
import {InputError} from '../util/errors.ts';
import {detectFormat, formatByName} from './detect.ts';
import {readHead} from './text.ts';
import type {FormatName, ReadOptions} from './types.ts';

/** What loading one file gave. */
export type FileResult =
	| {status: 'loaded'; file: string; format: FormatName; datasetId: number; records: number; rejected: number; skipped: number; firstTs: number | null; lastTs: number | null; timeField: string | null; rejects: Array<{line: number; reason: string}>}
	| {status: 'duplicate'; file: string; datasetId: number; format: FormatName}
	| {status: 'refused'; file: string; reason: string};

export interface LoadOptions extends ReadOptions {
	/** Force a format instead of detecting it. */
	format?: FormatName;
	/**
	 * Called now and then during a file with the records read so far and, for line-based files,
	 * the estimated share of the file read (0..1; from the line length of its first MiB).
	 */
	onProgress?: (file: string, recordsRead: number, fraction?: number) => void;
	/** Checked between batches; when it returns true the file's transaction is rolled back. */
	cancelled?: () => boolean;
}

/** How many rejects per file are kept with their line numbers in the result (all are stored). */
const REJECTS_REPORTED = 20;
const BATCH = 5000;

/** Files under `paths` (folders recursively, sorted, hidden files skipped). */
export function expandPaths(paths: string[]): string[] {
	const out: string[] = [];
	const walk = (p: string, top: boolean) => {
		let stat: fs.Stats;
		try {
			stat = fs.statSync(p);
		} catch {
			throw new InputError(p, 'no such file or folder');
		}

		if (stat.isDirectory()) {
			for (const name of fs.readdirSync(p).sort()) {
				if (!name.startsWith('.')) walk(path.join(p, name), false);
			}
		} else if (stat.isFile() && (top || !isCompanion(p))) {
			out.push(p);
		}
	};

	for (const p of paths) walk(path.resolve(p), true);
	return out;
}

/**
 * Files inside folders that are documentation, ground truth or decoder output rather than logs
 * (named explicitly, they are still tried).
 */
function isCompanion(file: string): boolean {
	return /\.(md|txt\.gz|gz|zip|xml|yaml|yml|sha256|py|sh|tsv)$|(^|\/)(LICENSE|README)[^/]*$|(^|\/)ground-truth\.json$/i.test(file);
}

/** Estimated number of lines of a text file from its first MiB; undefined for binary files. */
function estimateLines(file: string, size: number): number | undefined {
	const head = readHead(file, 1 << 20);
	let lines = 0;
	for (let i = 0; i < head.length; i++) if (head[i] === 10) lines++;
	if (lines < 8 || head.includes(0)) return undefined;
	return size * (lines / head.length);
}

export function sha256File(file: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = crypto.createHash('sha256');
		fs.createReadStream(file)
			.on('data', chunk => hash.update(chunk))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}

/** Loads one file. Never leaves a partly loaded file behind. */
export async function loadFile(db: Db, file: string, options: LoadOptions): Promise<FileResult> {
	const sha256 = await sha256File(file);
	const existing = findDatasetBySha(db, sha256);
	if (existing) return {status: 'duplicate', file, datasetId: existing.id, format: existing.format};

	let format;
	try {
		format = options.format ? formatByName(options.format) : await detectFormat(file);
	} catch (error) {
		if (error instanceof InputError) return {status: 'refused', file, reason: error.reason};
		throw error;
	}

	let records = 0;
	let rejected = 0;
	let skipped = 0;
	let firstTs: number | null = null;
	let lastTs: number | null = null;
	const timeFields = new Map<string, number>();
	const rejects: Array<{line: number; reason: string}> = [];

	db.exec('BEGIN IMMEDIATE');
	let committed = false;
	try {
		const datasetId = insertDataset(db, {path: file, format: format.name, sha256});
		const writer = bulkLogonWriter(db, datasetId);
		const size = fs.statSync(file).size;
		// A file that brings at least as many rows as the table holds loads faster without the
		// indexes, built once at the end (inside this transaction: a rollback restores them).
		const deferred = size / 200 >= logonSpan(db) ? logonIndexes(db) : [];
		dropIndexes(db, deferred);
		const linesIn = estimateLines(file, size);
		const insertReject = rejectInserter(db, datasetId);
		const reject = (line: number, reason: string) => {
			rejected++;
			insertReject(line, reason);
			if (rejects.length < REJECTS_REPORTED) rejects.push({line, reason});
		};

		let seen = 0;
		for await (const raw of format.read(file, options)) {
			seen++;
			if ('error' in raw) {
				reject(raw.line, raw.error);
			} else {
				const result = format.normalize(raw.value, raw.line, options);
				if (result.kind === 'logon') {
					const times = Math.max(1, Math.min(result.repeat ?? 1, 10_000));
					for (let i = 0; i < times; i++) writer.add(result.logon);
					records += times;
					const {ts} = result.logon;
					if (firstTs === null || ts < firstTs) firstTs = ts;
					if (lastTs === null || ts > lastTs) lastTs = ts;
					if (result.timeField) timeFields.set(result.timeField, (timeFields.get(result.timeField) ?? 0) + 1);
				} else if (result.kind === 'skip') {
					skipped++;
				} else {
					reject(raw.line, result.reason);
				}
			}

			if (seen % BATCH === 0) {
				options.onProgress?.(file, seen, linesIn === undefined ? undefined : Math.min(0.99, raw.line / linesIn));
				if (options.cancelled?.()) throw new InputError(file, 'load cancelled; nothing from this file was kept');
			}
		}

		if (seen === 0) throw new InputError(file, `empty file: no ${format.name} records`);
		if (records === 0 && skipped === 0) {
			const first = rejects[0];
			throw new InputError(file, `not a valid ${format.name} file: none of its ${rejected} record(s) could be read${first ? ` (line ${first.line}: ${first.reason})` : ''}`);
		}

		writer.flush();
		createIndexes(db, deferred);
		// Let a pending Ctrl-C be seen before committing (index builds run synchronously).
		await new Promise(resolve => setImmediate(resolve));
		if (options.cancelled?.()) throw new InputError(file, 'load cancelled; nothing from this file was kept');
		const timeField = [...timeFields.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f)[0] ?? null;
		finishDataset(db, datasetId, {records, rejected, skipped, first_ts: firstTs, last_ts: lastTs, time_field: timeField});
		db.exec('COMMIT');
		committed = true;
		return {status: 'loaded', file, format: format.name, datasetId, records, rejected, skipped, firstTs, lastTs, timeField, rejects};
	} catch (error) {
		if (error instanceof InputError) return {status: 'refused', file, reason: error.reason};
		throw error;
	} finally {
		if (!committed && db.inTransaction) db.exec('ROLLBACK');
	}
}
