/**
 * The hunt process of the console (HuntProcess in use-hunt.ts), started as
 * `hunt-process.ts FILE read-only|read-write`: for each message {id, input} it runs the hunt on
 * its own connection to FILE and sends {id, state} back (plain data; the IPC channel uses
 * structured clone). The connection is opened at the first hunt and kept: in WAL mode each hunt
 * reads what the console has written by then. The console kills the process when a newer hunt
 * supersedes the running one, and on quit; it ends by itself when the console's end of the channel closes.
 */
import {openDb, type Db} from '../../db/open.ts';
import {huntFailure, runHunt, type HuntInput} from './use-hunt.ts';

const [file = '', mode] = process.argv.slice(2);
let db: Db | undefined;

process.on('message', ({id, input}: {id: number; input: HuntInput}) => {
	let state;
	try {
		db ??= openDb(file, {readOnly: mode === 'read-only'});
		state = runHunt(db, input);
	} catch (error) {
		state = huntFailure(error, -1);
	}

	process.send!({id, state});
});
