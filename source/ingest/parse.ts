/**
 * Reading and normalizing a file into batches of flat logon rows, the same way on the main thread
 * (small files) and in a worker thread (large files, so parsing runs beside SQLite's inserts).
 * A batch holds plain values only, so it crosses to the main thread by structured clone cheaply.
 */
import type {Format, ReadOptions} from './types.ts';

/** Columns of a row in a batch, in this order (the logons columns without dataset_id). */
export const ROW_COLUMNS = ['ts', 'outcome', 'event_id', 'logon_type', 'src_ip', 'src_port', 'src_host', 'user', 'domain',
	'target', 'dst_host', 'dst_ip', 'service', 'auth_package', 'log_source_type', 'raw_ref'] as const;
export const ROW_WIDTH = ROW_COLUMNS.length;

export interface Batch {
	/** ROW_WIDTH values per logon; a record standing for n attempts gives n rows. */
	rows: unknown[];
	/** Bad records: line (or record number) and why. */
	rejects: Array<[number, string]>;
	/** Well-formed records that are not logons. */
	skipped: number;
	/** Records read (logons, skips and rejects). */
	seen: number;
	/** Line (or record number) of the last record read. */
	line: number;
	/** Input field the times came from, and for how many records. */
	timeFields: Record<string, number>;
}

/**
 * Records per batch. A batch's rows array stays well under 128 KiB: V8 puts a larger one in its
 * large-object space, mapped from the OS and faulted in afresh each time (and it is made twice, as
 * it grows and as the loading thread receives it). Parsing 1.13M logons (330 MB of NDJSON) took
 * 5.2-5.3 s in batches of 4096 records, 4.0-4.2 s in batches of 1024, 3.1-3.2 s in batches of 512.
 */
export const BATCH_RECORDS = 512;

function emptyBatch(): Batch {
	return {rows: [], rejects: [], skipped: 0, seen: 0, line: 0, timeFields: {}};
}

/** Streams `file` as batches of normalized rows. */
export async function * parseBatches(format: Format, file: string, options: ReadOptions): AsyncGenerator<Batch> {
	let batch = emptyBatch();
	for await (const raw of format.read(file, options)) {
		batch.seen++;
		batch.line = raw.line;
		if ('error' in raw) {
			batch.rejects.push([raw.line, raw.error]);
		} else {
			const result = format.normalize(raw.value, raw.line, options);
			if (result.kind === 'logon') {
				const l = result.logon;
				const times = Math.max(1, Math.min(result.repeat ?? 1, 10_000));
				for (let i = 0; i < times; i++) {
					batch.rows.push(l.ts, l.outcome, l.event_id, l.logon_type, l.src_ip, l.src_port, l.src_host, l.user, l.domain,
						l.target, l.dst_host, l.dst_ip, l.service, l.auth_package, l.log_source_type, l.raw_ref);
				}

				if (result.timeField) batch.timeFields[result.timeField] = (batch.timeFields[result.timeField] ?? 0) + 1;
			} else if (result.kind === 'skip') {
				batch.skipped++;
			} else {
				batch.rejects.push([raw.line, result.reason]);
			}
		}

		if (batch.seen === BATCH_RECORDS) {
			yield batch;
			batch = emptyBatch();
		}
	}

	if (batch.seen > 0) yield batch;
}
