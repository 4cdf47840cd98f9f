/**
 * The hunt thread of the console (HuntThread in use-hunt.ts): for each message {id, input} it runs
 * the hunt on its own connection to workerData.file (read-only when workerData.readOnly) and posts
 * {id, state} back (plain data, so it crosses by structured clone). The connection is opened at
 * the first hunt and kept: in WAL mode each hunt reads what the console has written by then. The console stops the thread when a
 * newer hunt supersedes the running one, and on quit.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {openDb, type Db} from '../../db/open.ts';
import {neutralize} from '../../util/sanitize.ts';
import {runHunt, type HuntInput} from './use-hunt.ts';

const {file, readOnly} = workerData as {file: string; readOnly: boolean};
const port = parentPort!;
let db: Db | undefined;

port.on('message', ({id, input}: {id: number; input: HuntInput}) => {
	try {
		db ??= openDb(file, {readOnly});
		port.postMessage({id, state: runHunt(db, input)});
	} catch (error) {
		port.postMessage({id, state: {result: undefined, error: neutralize(error instanceof Error ? error.message : String(error)), logons: -1, pending: false, suppressed: []}});
	}
});
