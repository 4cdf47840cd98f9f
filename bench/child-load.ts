/**
 * One measured load, in its own process so its peak RSS is its own: loads FILE into DB with the
 * real loader and prints one JSON line {records, ms, maxRssMb, bytes}.
 *
 *   node --import tsx bench/child-load.ts DB FILE [FORMAT]
 */
import fs from 'node:fs';
import {openDb} from '../source/db/open.ts';
import {loadFile} from '../source/ingest/load.ts';
import type {FormatName} from '../source/ingest/types.ts';

const [dbFile, file, format] = process.argv.slice(2);
if (!dbFile || !file) throw new Error('usage: child-load.ts DB FILE [FORMAT]');
const db = openDb(dbFile);
const start = performance.now();
const cpu0 = process.cpuUsage();
const result = await loadFile(db, file, {tz: 'UTC', format: format as FormatName | undefined});
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
if (result.status !== 'loaded') throw new Error(`load of ${file} gave ${JSON.stringify(result)}`);
// main. only: once a connection has a temp database, a TRUNCATE checkpoint of every database fails
// with SQLITE_LOCKED after the main one has left WAL and come back (SQLite 3.53; a load into an
// empty store does that, see leaveWal; test/db/journal.test.ts).
db.pragma('main.wal_checkpoint(TRUNCATE)');
db.close();
const bytes = fs.statSync(dbFile).size;
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({records: result.records, skipped: result.skipped, ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, bytes})}\n`);
