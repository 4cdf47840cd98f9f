/**
 * Loading files into the store: expand folders, skip already-loaded bytes (sha256), detect the
 * format, stream and normalize records, and write each file inside one transaction so a file
 * is either completely loaded or not at all.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import {Worker} from 'node:worker_threads';
import {enterWal, leaveWal, type Db} from '../db/open.ts';
import {bulkLogonWriter, createIndexes, dropIndexes, finishDataset, findDatasetBySha, FOLD_KEYS, insertDataset, deferredIndexes, logonSpan, maybeLoaded, setDatasetRepeats, rejectInserter, setDatasetSha, storeEmpty, type TotalsSpill} from '../db/store.ts';
import {repeatedLogons, type Repeats} from '../db/repeats.ts';
import {InputError} from '../util/errors.ts';
import {HeapCeiling} from '../util/heap.ts';
import {plural} from '../util/text.ts';
import {entryModule} from '../util/runtime.ts';
import {detectFormat, formatByName, sniffFormat} from './detect.ts';
import {isGzipFile, readHead, textBytes} from './text.ts';
import {extractMember, isZipFile, scratchFolder, zipMembers, type ZipMember} from './zip.ts';
import {parseBatches, ROW_WIDTH, type Batch} from './parse.ts';
import type {FormatName, ReadOptions} from './types.ts';

/** What loading one file gave. */
export type FileResult =
	| {status: 'loaded'; file: string; format: FormatName; datasetId: number; records: number; rejected: number; skipped: number; firstTs: number | null; lastTs: number | null; timeField: string | null; rejects: Array<{line: number; reason: string}>; repeats?: Repeats}
	| {status: 'duplicate'; file: string; datasetId: number; format: FormatName}
	| {status: 'refused'; file: string; reason: string};

export interface LoadOptions extends ReadOptions {
	/** Force a format instead of detecting it. */
	format?: FormatName;
	/** What the dataset, the result and progress call the file (default its path): `case.zip/Security.evtx` for a member extracted from an archive. */
	name?: string;
	/**
	 * Called now and then during a file with the records read so far and, for line-based files,
	 * the estimated share of the file read (0..1; from the line length of its first MiB).
	 */
	onProgress?: (file: string, recordsRead: number, fraction?: number) => void;
	/**
	 * Called once a file is read, before its totals are added and its indexes built (a third of
	 * the time of a large load), with the records read.
	 */
	onFinishing?: (file: string, recordsRead: number) => void;
	/** Checked between batches; when it returns true the file's transaction is rolled back. */
	cancelled?: () => boolean;
	/** Parse in a worker thread: true always, false never; default for files of THREAD_BYTES and more. */
	parseThread?: boolean;
	/** Keys of running totals held before they are added to the tables (FOLD_KEYS); smaller in tests. */
	foldKeys?: number;
	/** Files of at least this many bytes into an empty store are written without the WAL (WRITE_ONCE_BYTES). */
	writeOnceBytes?: number;
	/** The parser thread's old-generation heap limit in MB (PARSER_HEAP_MB); tiny in a test of running out. */
	parserHeapMb?: number;
	/** Heap in use in the parser thread (MB) past which it spills its running totals whole (PARSER_SPILL_MB). */
	parserSpillMb?: number;
	/** Garbage on the loading thread (MB) before a full collection (LOADER_SLACK_MB). */
	loaderSlackMb?: number;
	/** Heap live on the loading thread (MB) past which its writer spills its running totals whole (LOADER_SPILL_MB). */
	loaderSpillMb?: number;
}

/** How many rejects per file are kept with their line numbers in the result (all are stored). */
const REJECTS_REPORTED = 20;
/** Files this large parse in a worker thread, beside the inserts (starting one costs ~0.2 s). */
const THREAD_BYTES = 16 * 1024 * 1024;
/** Files this large into an empty store are written without the WAL (leaveWal); the copy of smaller ones costs little. */
const WRITE_ONCE_BYTES = 16 * 1024 * 1024;
/**
 * The parser thread's heap: the old generation capped at PARSER_HEAP_MB and a 16 MB young
 * generation, so that V8 collects the parsed batches' garbage as it goes rather than letting it
 * pile up to hundreds of MB between collections (a load's peak RSS at 1.13M logons: 433 -> 320-326 MB,
 * for about 20% more CPU on that thread, which runs beside the inserts). What it keeps alive is the
 * names' running hours (FOLD_KEYS names of each kind; PARSER_SPILL_MB bounds them) and a few
 * batches. Should it run out all the same, the file is loaded again parsing on the loading thread
 * (loadFile).
 */
const PARSER_HEAP_MB = 192;
/**
 * Heap in use in the parser thread (MB, garbage not yet collected included) past which it spills
 * its running totals whole, whatever their count of keys: a log whose every name is new holds
 * several times the bytes per key of an ordinary one. With FOLD_KEYS at 250k and no such bound,
 * 1.5M logons of all-new names ran the thread out of its heap (and the load, parsed again on the
 * loading thread, peaked at 862 MB); with it, 433 MB in 51 s (11 spills so forced).
 */
const PARSER_SPILL_MB = 120;
const PARSER_YOUNG_MB = 16;
/**
 * Garbage the loading thread's heap may gather before a full collection (HeapCeiling). That thread
 * keeps the triples' running totals, some 100 MB live; left to V8, the batches it received and
 * dropped piled up beside them, and a 10.4M-logon load peaked at 645 MB RSS; collecting every
 * 64 MB of garbage, at 398 MB, in the same time.
 */
const LOADER_SLACK_MB = 64;
/**
 * Heap live on the loading thread (MB, after a collection) past which its writer spills its
 * running totals whole, whatever their count of keys (as PARSER_SPILL_MB on the parser thread):
 * 1.5M logons of all-new names held 180 MB in FOLD_KEYS triples and peaked at 544 MB RSS.
 */
const LOADER_SPILL_MB = 100;

/** The parser thread ran out of heap; nothing of the file is kept (its transaction rolls back). */
class ParserOutOfMemory extends Error {}

/**
 * Files under `paths` (folders recursively, sorted, hidden files skipped). Zip archives inside
 * folders are skipped too (an archive often sits beside its extracted files, whose logons it would
 * load twice) and listed in `skippedArchives`; named, they load (loadPath).
 */
export function expandPaths(paths: string[], skippedArchives: string[] = []): string[] {
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
		} else if (stat.isFile() && /\.zip$/i.test(p)) {
			skippedArchives.push(p);
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
	return /\.(md|zip|tar\.gz|tgz|xml|yaml|yml|sha256|py|sh|tsv)$|(^|\/)(LICENSE|README)[^/]*$|(^|\/)ground-truth\.json$/i.test(file);
}

/** Estimated number of lines of a text file from its first MiB; undefined for binary files. */
function estimateLines(file: string, size: number): number | undefined {
	const head = readHead(file, 1 << 20);
	let lines = 0;
	for (let i = 0; i < head.length; i++) if (head[i] === 10) lines++;
	if (lines < 8 || head.includes(0)) return undefined;
	return size * (lines / head.length);
}

/**
 * Batches parsed in a worker thread (parse-worker.ts, or its bundle), which also keeps their
 * running totals (RunningTotals) and hands them to `onTotals` as it spills them, between batches
 * and all before the end. From the sources the worker registers the TypeScript loader itself (the
 * CLI registers it in-process, which a worker does not inherit). Stopping early, by an error or
 * Ctrl-C, stops and ends the worker.
 */
async function * threadBatches(format: FormatName, file: string, options: LoadOptions, onTotals: (spill: TotalsSpill) => void): AsyncGenerator<Batch> {
	const flow = new Int32Array(new SharedArrayBuffer(12));
	const entry = entryModule('parse-worker', new URL('./parse-worker.ts', import.meta.url));
	const start = entry.needsTsx
		? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(m => { m.register(); return import(${JSON.stringify(entry.url.href)}); });`
		: `import(${JSON.stringify(entry.url.href)});`;
	// Everything but the callbacks crosses to the worker.
	const readOptions = Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v !== 'function')) as ReadOptions;
	const worker = new Worker(start, {
		eval: true,
		workerData: {file, format, options: readOptions, flow: flow.buffer, foldKeys: options.foldKeys ?? FOLD_KEYS, spillMb: options.parserSpillMb ?? PARSER_SPILL_MB},
		resourceLimits: {maxOldGenerationSizeMb: options.parserHeapMb ?? PARSER_HEAP_MB, maxYoungGenerationSizeMb: PARSER_YOUNG_MB},
	});
	type Message = {batch: Batch} | {totals: TotalsSpill} | {done: true} | {error: {reason?: string; line?: number; message?: string; oom?: boolean}} | {exit: number};
	const queue: Message[] = [];
	let wake: (() => void) | undefined;
	const push = (m: Message) => {
		queue.push(m);
		wake?.();
	};

	worker.on('message', (m: Message) => push(m));
	worker.on('error', error => push({error: {message: String(error.stack ?? error), oom: (error as {code?: string}).code === 'ERR_WORKER_OUT_OF_MEMORY'}}));
	worker.on('exit', code => push({exit: code}));
	try {
		for (;;) {
			if (queue.length === 0) await new Promise<void>(resolve => {
				wake = resolve;
			});
			wake = undefined;
			const m = queue.shift()!;
			if ('batch' in m) {
				yield m.batch;
				Atomics.add(flow, 1, 1);
				Atomics.notify(flow, 1);
			} else if ('totals' in m) {
				onTotals(m.totals);
			} else if ('done' in m) {
				return;
			} else if ('error' in m) {
				if (m.error.reason !== undefined) throw new InputError(file, m.error.reason, m.error.line);
				if (m.error.oom) throw new ParserOutOfMemory(m.error.message);
				throw new Error(`parser thread: ${m.error.message ?? 'failed'}`);
			} else {
				throw new Error(`parser thread exited early (code ${m.exit})`);
			}
		}
	} finally {
		Atomics.store(flow, 2, 1);
		Atomics.notify(flow, 1);
		await worker.terminate();
	}
}

/** The sha256 of a file's bytes, hex; `signal` stops the reading (the promise then rejects). */
export function sha256File(file: string, signal?: AbortSignal): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = crypto.createHash('sha256');
		fs.createReadStream(file, {signal})
			.on('data', chunk => hash.update(chunk))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}

/**
 * Loads one file. Never leaves a partly loaded file behind. A file whose parser thread runs out of
 * heap (see PARSER_HEAP_MB) is loaded again from the start, parsed on this thread.
 */
export async function loadFile(db: Db, file: string, options: LoadOptions): Promise<FileResult> {
	try {
		return await loadFileOnce(db, file, options);
	} catch (error) {
		if (!(error instanceof ParserOutOfMemory)) throw error;
		return loadFileOnce(db, file, {...options, parseThread: false});
	}
}

/**
 * Loads a file, or each member of a zip archive (zip.ts) that is not documentation or a folder:
 * extracted one at a time into a scratch folder, loaded as `ARCHIVE/MEMBER`, and removed. Every
 * member is a dataset of its own, loaded completely or not at all; a member that cannot be
 * extracted is refused by name and the others load.
 */
export async function * loadPath(db: Db, file: string, options: LoadOptions): AsyncGenerator<FileResult> {
	if (!isZipFile(file)) {
		yield await loadFile(db, file, options);
		return;
	}

	let members: ZipMember[];
	try {
		// Hidden files (.DS_Store, ._ resource forks) and macOS's __MACOSX folder are no logs.
		const hidden = (part: string) => /^\.[^.]/.test(part) || part === '__MACOSX';
		members = zipMembers(file).filter(m => !isCompanion(m.name) && !m.name.split('/').some(hidden));
	} catch (error) {
		if (error instanceof InputError) {
			yield {status: 'refused', file, reason: error.reason};
			return;
		}

		throw error;
	}

	if (members.length === 0) {
		yield {status: 'refused', file, reason: 'a zip archive with no log files in it'};
		return;
	}

	const scratch = await scratchFolder();
	try {
		for (const [i, member] of members.entries()) {
			if (options.cancelled?.()) return;
			const name = `${file}/${member.name}`;
			// The member's own name only as far as it is a safe file name (it is the archive's to choose).
			const extracted = path.join(scratch.dir, `${i}-${path.basename(member.name).replace(/[^\w.-]+/g, '_').slice(0, 100)}`);
			try {
				await extractMember(file, member, extracted);
			} catch (error) {
				if (!(error instanceof InputError)) throw error;
				yield {status: 'refused', file: name, reason: error.reason};
				continue;
			}

			try {
				yield await loadFile(db, extracted, {...options, name});
			} finally {
				await fsp.rm(extracted, {force: true});
			}
		}
	} finally {
		await scratch.remove();
	}
}

async function loadFileOnce(db: Db, file: string, options: LoadOptions): Promise<FileResult> {
	const name = options.name ?? file;
	const size = fs.statSync(file).size;
	// Bytes loaded before come back only in a file of the same size: such a file is hashed first,
	// so that a duplicate is answered without loading it. Any other is hashed alongside its parse
	// (reading the file a second time, concurrently), not in a whole read before the first row:
	// at 10M logons that read took 6.5 s, and 98 s when the disk was slow.
	let sha256: string | undefined;
	if (maybeLoaded(db, size)) {
		sha256 = await sha256File(file);
		const existing = findDatasetBySha(db, sha256);
		if (existing) return {status: 'duplicate', file: name, datasetId: existing.id, format: existing.format};
	}

	let format;
	try {
		format = options.format ? formatByName(options.format) : await detectFormat(file);
		// EVTX is read by seeking to its chunks, which a compressed stream cannot do.
		if (format.name === 'evtx' && isGzipFile(file)) throw new InputError(file, 'a gzip-compressed EVTX file: decompress it first (gunzip -k FILE) and load the .evtx');
	} catch (error) {
		if (error instanceof InputError) return {status: 'refused', file: name, reason: error.reason};
		throw error;
	}

	let records = 0;
	let rejected = 0;
	let skipped = 0;
	let firstTs: number | null = null;
	let lastTs: number | null = null;
	const timeFields = new Map<string, number>();
	const rejects: Array<{line: number; reason: string}> = [];

	const stopHashing = new AbortController();
	const hashing = sha256 === undefined ? sha256File(file, stopHashing.signal) : Promise.resolve(sha256);
	// Awaited once the file is parsed; a load that ends earlier stops it and drops its answer.
	hashing.catch(() => undefined);
	// A large file into an empty store is written into the file once, not through the WAL (leaveWal).
	// A compressed file is decided on by the size of its text.
	const text = textBytes(file, size);
	const journal = text >= (options.writeOnceBytes ?? WRITE_ONCE_BYTES) && storeEmpty(db) && leaveWal(db);
	try {
		db.exec('BEGIN IMMEDIATE');
	} catch (error) {
		if (journal) enterWal(db);
		throw error;
	}

	let committed = false;
	try {
		// Until the file is parsed and its hash checked again, a placeholder no other dataset has (the
		// column is unique; no other connection sees it before the commit).
		const datasetId = insertDataset(db, {path: name, format: format.name, sha256: `loading ${crypto.randomUUID()}`, bytes: size});
		const thread = text >= (options.parseThread === false ? Infinity : options.parseThread ? 0 : THREAD_BYTES);
		// With a parser thread, each thread keeps a share of the running totals (bulkLogonWriter).
		const writer = bulkLogonWriter(db, datasetId, options.foldKeys ?? FOLD_KEYS, thread);
		// A file that brings at least as many rows as the table holds loads faster without the
		// indexes of the logons and of their totals, built once at the end (inside this
		// transaction: a rollback restores them).
		const deferred = text / 200 >= logonSpan(db) ? deferredIndexes(db) : [];
		dropIndexes(db, deferred);
		const linesIn = estimateLines(file, text);
		const insertReject = rejectInserter(db, datasetId);
		const reject = (line: number, reason: string) => {
			rejected++;
			insertReject(line, reason);
			if (rejects.length < REJECTS_REPORTED) rejects.push({line, reason});
		};

		let seen = 0;
		const heap = new HeapCeiling(options.loaderSlackMb ?? LOADER_SLACK_MB);
		const spillMb = options.loaderSpillMb ?? LOADER_SPILL_MB;
		const batches = thread
			? threadBatches(format.name, file, options, spill => writer.addTotals(spill))
			: parseBatches(format, file, options);
		for await (const batch of batches) {
			// Totals of many new names outgrow what the heap should hold before FOLD_KEYS triples.
			const live = heap.check();
			if (live !== undefined && live >= spillMb) writer.spillTotals();
			seen += batch.seen;
			skipped += batch.skipped;
			const {rows} = batch;
			for (let o = 0; o < rows.length; o += ROW_WIDTH) {
				writer.addRow(rows, o);
				const ts = rows[o] as number;
				if (firstTs === null || ts < firstTs) firstTs = ts;
				if (lastTs === null || ts > lastTs) lastTs = ts;
			}

			records += rows.length / ROW_WIDTH;
			for (const [line, reason] of batch.rejects) reject(line, reason);
			for (const [field, n] of Object.entries(batch.timeFields)) timeFields.set(field, (timeFields.get(field) ?? 0) + n);
			options.onProgress?.(name, seen, linesIn === undefined ? undefined : Math.min(0.99, batch.line / linesIn));
			if (options.cancelled?.()) throw new InputError(file, 'load cancelled; nothing from this file was kept');
		}

		if (seen === 0) throw new InputError(file, `empty file: no ${format.name} records`);
		if (records === 0 && skipped === 0) {
			const first = rejects[0];
			throw new InputError(file, `not a valid ${format.name} file: none of its ${rejected} record(s) could be read${first ? ` (line ${first.line}: ${first.reason})` : ''}`);
		}

		// A format forced onto a file of another one reads it as all skipped or rejected records: an
		// empty dataset would then hold the file's hash, and loading it as what it is would be refused.
		const detected = records === 0 && options.format ? sniffFormat(readHead(file)) : undefined;
		if (detected && detected.name !== format.name) {
			throw new InputError(file, `no logons when read as ${format.name} (${plural(skipped, 'record')} skipped, ${rejected} rejected), and it looks like ${detected.name}: load it without --format ${format.name}`);
		}

		// Another process may have loaded the same bytes between the size check and this
		// transaction: then nothing of this load is kept.
		const digest = await hashing;
		const existing = findDatasetBySha(db, digest);
		if (existing) return {status: 'duplicate', file: name, datasetId: existing.id, format: existing.format};
		setDatasetSha(db, datasetId, digest);
		options.onFinishing?.(name, seen);
		writer.flush();
		createIndexes(db, deferred);
		const timeField = [...timeFields.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f)[0] ?? null;
		// Counts, id range, and the file's logons folded into the totals (migration 0006).
		finishDataset(db, datasetId, {records, rejected, skipped, first_ts: firstTs, last_ts: lastTs, time_field: timeField});
		// Logons that an earlier file holds too: the same log collected twice, or in two formats.
		const repeats = repeatedLogons(db, datasetId);
		setDatasetRepeats(db, datasetId, repeats?.logons ?? 0);
		// Let a pending Ctrl-C be seen before committing (index builds and the fold run synchronously).
		await new Promise(resolve => setImmediate(resolve));
		if (options.cancelled?.()) throw new InputError(file, 'load cancelled; nothing from this file was kept');
		db.exec('COMMIT');
		committed = true;
		return {status: 'loaded', file: name, format: format.name, datasetId, records, rejected, skipped, firstTs, lastTs, timeField, rejects, ...(repeats ? {repeats} : {})};
	} catch (error) {
		if (error instanceof InputError) return {status: 'refused', file: name, reason: error.reason};
		throw error;
	} finally {
		stopHashing.abort();
		if (!committed && db.inTransaction) db.exec('ROLLBACK');
		if (journal) enterWal(db);
	}
}
