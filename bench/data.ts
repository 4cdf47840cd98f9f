/**
 * Bench datasets: the synthetic enterprise of `lateral generate` (seeded, realistic cardinalities,
 * log-normal user activity, planted attacks), written once per size and format under bench/out and
 * reused by later runs. EVTX is built from the first logons of the windows-json file with the test
 * suite's EVTX builder (capped: the builder is slow and an EVTX file holds at most 65,535 chunks).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {generateDataset, type WindowsFormat} from '../source/generate/index.ts';
import {buildChunk, buildFile, type LogonSpec} from '../test/helpers/evtx-builder.ts';

export type BenchFormat = 'windows-json' | 'falcon' | 'qradar-csv' | 'evtx';

/** Generator settings per size: about 21 logons per user and day on this enterprise. */
export function shapeFor(size: number): {users: number; days: number} {
	if (size <= 1_200_000) {
		const users = Math.max(100, Math.round(size / 250));
		return {users, days: 12};
	}

	return {users: Math.min(60_000, Math.round(size / 500)), days: 24};
}

const FILES: Record<Exclude<BenchFormat, 'evtx'>, string> = {
	'windows-json': 'windows-security.ndjson',
	falcon: 'falcon.ndjson',
	'qradar-csv': 'qradar.csv',
};

/** The file of `format` for `size`, generated when missing. */
export async function datasetFile(outDir: string, size: number, format: BenchFormat, log: (m: string) => void): Promise<string> {
	if (format === 'evtx') return evtxFile(outDir, size, log);
	const dir = path.join(outDir, `data-${size}-${format}`);
	const file = path.join(dir, FILES[format]);
	const done = path.join(dir, '.complete');
	if (fs.existsSync(done)) return file;
	const {users, days} = shapeFor(size);
	log(`generating ${format} for size ${size} (${users} users, ${days} days) in ${dir} ...`);
	const start = Date.now();
	fs.rmSync(dir, {recursive: true, force: true});
	await generateDataset({out: dir, seed: 9, days, users, start: '2026-11-02', tz: 'UTC', windowsFormat: format as WindowsFormat});
	fs.writeFileSync(done, '');
	log(`  generated in ${((Date.now() - start) / 1000).toFixed(0)} s`);
	return file;
}

export const EVTX_MAX = 200_000;

async function evtxFile(outDir: string, size: number, log: (m: string) => void): Promise<string> {
	const file = path.join(outDir, `data-${size}-evtx`, 'security.evtx');
	if (fs.existsSync(file)) return file;
	const source = await datasetFile(outDir, size, 'windows-json', log);
	log(`building EVTX (${EVTX_MAX} logons) from ${source} ...`);
	const specs: LogonSpec[] = [];
	const lines = readline.createInterface({input: fs.createReadStream(source), crlfDelay: Infinity});
	for await (const line of lines) {
		const e = JSON.parse(line) as Record<string, string | number>;
		if (e['EventID'] !== 4624 && e['EventID'] !== 4625) continue;
		specs.push({
			id: specs.length + 1,
			eventId: Number(e['EventID']),
			time: String(e['TimeCreated']),
			user: String(e['TargetUserName']),
			domain: String(e['TargetDomainName']),
			logonType: Number(e['LogonType']),
			ip: String(e['IpAddress']),
			port: Number(e['IpPort']) || 0,
			workstation: String(e['WorkstationName']),
			computer: String(e['Computer']),
		});
		if (specs.length >= EVTX_MAX) break;
	}

	lines.close();
	const chunks: Uint8Array[] = [];
	for (let i = 0; i < specs.length;) {
		// As many records as fit in one 64 KiB chunk.
		let n = Math.min(120, specs.length - i);
		for (;;) {
			try {
				chunks.push(buildChunk(specs.slice(i, i + n), chunks.length));
				break;
			} catch (error) {
				if (n === 1) throw error;
				n = Math.floor(n * 0.8);
			}
		}

		i += n;
	}

	fs.mkdirSync(path.dirname(file), {recursive: true});
	fs.writeFileSync(`${file}.tmp`, buildFile(chunks));
	fs.renameSync(`${file}.tmp`, file);
	return file;
}
