/**
 * The parser thread of a large load: reads and normalizes the file (parse.ts) and posts batches
 * of rows to the loading thread, at most AHEAD batches ahead of what it has written, so memory
 * stays flat whatever the file size. workerData: {file, format, options, flow}; flow is an
 * Int32Array over shared memory: [0] batches posted, [1] batches written, [2] stop.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {InputError} from '../util/errors.ts';
import {formatByName} from './detect.ts';
import {parseBatches} from './parse.ts';
import type {FormatName, ReadOptions} from './types.ts';

const AHEAD = 4;
const {file, format, options, flow: shared} = workerData as {file: string; format: FormatName; options: ReadOptions; flow: SharedArrayBuffer};
const flow = new Int32Array(shared);
const port = parentPort!;

try {
	for await (const batch of parseBatches(formatByName(format, file), file, options)) {
		for (;;) {
			const written = Atomics.load(flow, 1);
			if (Atomics.load(flow, 2) !== 0 || Atomics.load(flow, 0) - written < AHEAD) break;
			Atomics.wait(flow, 1, written, 1000);
		}

		if (Atomics.load(flow, 2) !== 0) break;
		port.postMessage({batch});
		Atomics.add(flow, 0, 1);
	}

	port.postMessage({done: true});
} catch (error) {
	port.postMessage({error: error instanceof InputError ? {reason: error.reason, line: error.line} : {message: String((error as Error)?.stack ?? error)}});
}
