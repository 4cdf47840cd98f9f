/**
 * JSON records from a file, streamed: NDJSON (one object per line), a JSON array of objects, or an
 * object wrapping the array (`{"events": [...]}`, the QRadar Ariel shape), pretty-printed or not.
 * Memory holds one record at a time. A record that does not parse is yielded as an error with the
 * line it starts on, and reading goes on.
 */
import type {RawRecord} from './types.ts';
import {decodeHead, readHead, readLineChunks, readLines} from './text.ts';

/** Keys of a top-level object whose array value holds the records. */
const WRAPPER_KEY = /"(events|Events|records|Records|data|results|Results)"\s*:\s*$/;

/**
 * NDJSON when the file starts with an object and its first line, or at least two of its first
 * lines, each hold a whole object (not one wrapping the records in an array); otherwise the
 * streaming splitter.
 */
export function jsonLayout(head: string): 'ndjson' | 'stream' {
	if (!head.trimStart().startsWith('{')) return 'stream';
	const lines = head.split('\n').slice(0, 21);
	if (lines.length > 1) lines.pop(); // the last line of the head may be cut short
	let whole = 0;
	let firstWhole = false;
	for (const raw of lines) {
		const text = raw.trim();
		if (!text.startsWith('{')) continue;
		const first = whole === 0 && text === lines.find(l => l.trim() !== '')?.trim();
		try {
			const value: unknown = JSON.parse(text);
			if (!isObject(value)) continue;
			if (Object.entries(value).some(([k, v]) => Array.isArray(v) && WRAPPER_KEY.test(`"${k}":`))) return 'stream';
			whole++;
			if (first) firstWhole = true;
		} catch {
			// A bad line inside NDJSON is a rejected record, not a different layout.
		}
	}

	// One whole object on a later line alone may be the last element of a pretty-printed array.
	return firstWhole || whole >= 2 ? 'ndjson' : 'stream';
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Streams the JSON objects of `file`, each with the line it starts on. */
export function readJsonRecords(file: string): AsyncGenerator<RawRecord> {
	// The reader itself, not a generator delegating to it: each record then costs one await, not two.
	return jsonLayout(decodeHead(readHead(file))) === 'ndjson' ? ndjson(file) : splitter(file);
}

async function * ndjson(file: string): AsyncGenerator<RawRecord> {
	for await (const {first, lines} of readLineChunks(file)) {
		for (let i = 0; i < lines.length; i++) {
			const text = lines[i]!;
			const line = first + i;
			if (text.trim() === '') continue;
			try {
				const value: unknown = JSON.parse(text);
				yield isObject(value) ? {line, value} : {line, error: 'not a JSON object'};
			} catch (error) {
				yield {line, error: `not valid JSON (${shortJsonError(error)})`};
			}
		}
	}
}

/** JSON.parse's message without the echo of the input it sometimes carries. */
function shortJsonError(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/^(.*?)( in JSON| "|, ").*$/s, '$1').slice(0, 80);
}

/**
 * A character-level scanner for arrays of objects and wrapped arrays. It tracks nesting and
 * strings, so braces inside strings do not confuse it, and cuts out each record's text.
 */
async function * splitter(file: string): AsyncGenerator<RawRecord> {
	let depth = 0;
	let inString = false;
	let escaped = false;
	/** Depth at which record objects open: 1 inside a top-level array, 2 inside a wrapper's array. */
	let recordDepth = -1;
	let record = '';
	let recordLine = 0;
	let inRecord = false;
	let lastLine = 0;

	for await (const {line, text} of readLines(file)) {
		lastLine = line;
		let segmentStart = 0;
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (inString) {
				if (escaped) escaped = false;
				else if (c === 92) escaped = true; // backslash
				else if (c === 34) inString = false; // quote
				continue;
			}

			if (c === 34) {
				inString = true;
			} else if (c === 123 || c === 91) { // { or [
				if (depth === 0) {
					if (c === 91) {
						recordDepth = 1;
					} else {
						recordDepth = -1;
						inRecord = true; // a top-level object is a record until it proves to be a wrapper
						record = '';
						recordLine = line;
						segmentStart = i;
					}
				} else if (depth === recordDepth && c === 123 && !inRecord) {
					inRecord = true;
					record = '';
					recordLine = line;
					segmentStart = i;
				} else if (depth === 1 && recordDepth === -1 && c === 91 && inRecord) {
					// Inside a top-level object: an array under a wrapper key holds the records.
					const sofar = record + text.slice(segmentStart, i);
					if (WRAPPER_KEY.test(sofar)) {
						inRecord = false;
						record = '';
						recordDepth = 2;
					}
				}

				depth++;
			} else if (c === 125 || c === 93) { // } or ]
				depth--;
				if (depth < 0) {
					yield {line, error: `unbalanced "${String.fromCharCode(c)}"`};
					depth = 0;
				} else if (inRecord && depth === Math.max(recordDepth, 0)) {
					record += text.slice(segmentStart, i + 1);
					inRecord = false;
					yield parseRecord(record, recordLine);
					record = '';
				} else if (depth === 0) {
					recordDepth = -1;
				}
			} else if (depth === 0 && c !== 32 && c !== 9 && c !== 44 && c !== 13 && c !== 0xfeff) {
				yield {line, error: 'not JSON: unexpected text outside any record'};
				break; // resynchronise on the next line
			}
		}

		if (inRecord) {
			record += text.slice(segmentStart) + '\n';
			if (record.length > 64 * 1024 * 1024) {
				yield {line: recordLine, error: 'record longer than 64 MiB'};
				inRecord = false;
				record = '';
			}
		}
	}

	if (inRecord) yield {line: recordLine, error: 'truncated record: the file ends inside it'};
	// Every record whole, but the array never closed: the copy was most likely cut between two
	// records, and the records after the cut are missing. Said as a reject, so the load says so.
	else if (depth > 0) yield {line: lastLine, error: 'truncated file: it ends before the array of records is closed (records after the cut are missing)'};
}

function parseRecord(text: string, line: number): RawRecord {
	try {
		const value: unknown = JSON.parse(text);
		return isObject(value) ? {line, value} : {line, error: 'not a JSON object'};
	} catch (error) {
		return {line, error: `not valid JSON (${shortJsonError(error)})`};
	}
}
