/**
 * The parser thread of a large load: reads and normalizes the file (parse.ts), keeps the names'
 * running hours of the rows (RunningTotals; the loading thread keeps the triples', see
 * bulkLogonWriter), and posts batches of rows to the loading thread, at most AHEAD batches ahead
 * of what it has written, so memory stays flat whatever the file size. Totals are posted as they spill ({totals},
 * at most foldKeys keys each, or all of them once the heap in use passes spillMb) and at the end,
 * before {done}. workerData: {file, format, options, flow, foldKeys, spillMb}; flow is an
 * Int32Array over shared memory: [0] batches posted, [1] batches written, [2] stop.
 */
import {getHeapStatistics} from 'node:v8';
import {parentPort, workerData} from 'node:worker_threads';
import {RunningTotals, type TotalsSpill} from '../db/store.ts';
import {InputError} from '../util/errors.ts';
import {formatByName} from './detect.ts';
import {BATCH_RECORDS, parseBatches, ROW_WIDTH} from './parse.ts';
import type {FormatName, ReadOptions} from './types.ts';

/**
 * Batches parsed ahead of the loading thread: 131k records' worth. That thread stops to fold
 * totals for seconds at a time; with 16k records ahead the parser sat waiting 75 s of a 10M load,
 * and the loading thread then waited for it; with 131k, 32 s. The price is memory: a 10M load
 * peaked at 427-431 MB instead of 376-387 MB (alternating loads, with the file hashed beside the
 * parse as well).
 */
const AHEAD = Math.ceil(131_072 / BATCH_RECORDS);
const {file, format, options, flow: shared, foldKeys, spillMb} = workerData as {file: string; format: FormatName; options: ReadOptions; flow: SharedArrayBuffer; foldKeys: number; spillMb: number};
const flow = new Int32Array(shared);
const port = parentPort!;
const totals = new RunningTotals(foldKeys, (spill: TotalsSpill) => port.postMessage({totals: spill}), 'hours');

try {
	let stopped = false;
	// Batches before the heap is looked at again after a spill: time for the collector to free what it held.
	let quiet = 0;
	for await (const batch of parseBatches(formatByName(format, file), file, options)) {
		const {rows} = batch;
		for (let o = 0; o < rows.length; o += ROW_WIDTH) totals.addRow(rows, o);
		// Past spillMb of heap (PARSER_SPILL_MB in load.ts) the totals are spilled whole.
		if (quiet > 0) quiet--;
		else if (getHeapStatistics().used_heap_size > spillMb * 1024 * 1024) {
			totals.end();
			quiet = AHEAD;
		}
		for (;;) {
			const written = Atomics.load(flow, 1);
			if (Atomics.load(flow, 2) !== 0 || Atomics.load(flow, 0) - written < AHEAD) break;
			Atomics.wait(flow, 1, written, 1000);
		}

		if (Atomics.load(flow, 2) !== 0) {
			stopped = true;
			break;
		}

		port.postMessage({batch});
		Atomics.add(flow, 0, 1);
	}

	if (!stopped) {
		totals.end();
		port.postMessage({done: true});
	}
} catch (error) {
	port.postMessage({error: error instanceof InputError ? {reason: error.reason, line: error.line} : {message: String((error as Error)?.stack ?? error)}});
}
