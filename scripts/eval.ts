/**
 * `npm run eval`: how well each profile ranks the planted attacker pairs. Generates several seeded
 * weeks (different seeds and sizes), loads each into a scratch database, hunts with every profile
 * over all loaded time (no allowlist), and prints the average precision side by side.
 *
 * Usage: npm run eval [-- --seeds 101,202,303 --users 150,300 --days 7]
 *
 * The default seeds are used by no test (the tests use 3, 7 and 61), so the figures are on
 * weeks the profile was never checked against there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {openMemoryDb} from '../source/db/open.ts';
import {expandPaths, loadFile} from '../source/ingest/load.ts';
import {generateDataset} from '../source/generate/index.ts';
import {hunt} from '../source/detect/hunt.ts';
import {averagePrecision, pairKey} from '../source/detect/evaluate.ts';

const {values} = parseArgs({options: {
	seeds: {type: 'string', default: '101,202,303,404'},
	users: {type: 'string', default: '150,300'},
	days: {type: 'string', default: '7'},
}});
const list = (text: string) => text.split(',').map(Number).filter(n => Number.isInteger(n) && n > 0);
/** Seeds the tests use (test/detect/seed-golden, the bundled sample, test/detect/lateral-golden). */
const TEST_SEEDS = new Set([3, 7, 61]);
const seen = list(values.seeds).filter(s => TEST_SEEDS.has(s));
if (seen.length > 0) console.error(`note: seed ${seen.join(', ')} is also used by the tests; its figures are not on unseen data`);
const profiles = ['qradar', 'logscale', 'lateral'];

/** Average precision of each profile on one generated dataset. */
export async function evaluateOnce(seed: number, users: number, days: number): Promise<{aps: number[]; attackers: number; findings: number[]}> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-eval-'));
	try {
		const truth = await generateDataset({out: dir, seed, users, days, start: '2026-11-02', tz: 'UTC', windowsFormat: 'windows-json'});
		const db = openMemoryDb();
		for (const file of expandPaths([dir])) {
			const result = await loadFile(db, file, {tz: 'UTC', year: Number(truth.start.slice(0, 4))});
			if (result.status === 'refused') throw new Error(`${file}: ${result.reason}`);
		}

		const relevant = new Set(truth.attacker_pairs.map(p => pairKey(p.src_ip, p.user)));
		const results = profiles.map(profile => hunt(db, {profile, tz: 'UTC', window: null, allowlist: false}).findings);
		db.close();
		return {
			aps: results.map(findings => averagePrecision(findings.map(f => pairKey(f.src_ip, f.user)), relevant)),
			attackers: relevant.size,
			findings: results.map(f => f.length),
		};
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

const rows: string[] = [];
const sums = profiles.map(() => 0);
let runs = 0;
for (const days of list(values.days)) {
	for (const users of list(values.users)) {
		for (const seed of list(values.seeds)) {
			const {aps, attackers, findings} = await evaluateOnce(seed, users, days);
			aps.forEach((ap, i) => {
				sums[i]! += ap;
			});
			runs++;
			rows.push(`| ${seed} | ${users} | ${days} | ${attackers} | ${aps.map((ap, i) => `${ap.toFixed(3)} (${findings[i]})`).join(' | ')} |`);
		}
	}
}

console.log('Average precision of the planted attacker (source, user) pairs, all loaded time, no allowlist.');
console.log('In brackets: how many findings the profile returned.\n');
console.log(`| seed | users | days | attacker pairs | ${profiles.join(' | ')} |`);
console.log(`|---:|---:|---:|---:|${profiles.map(() => '---:').join('|')}|`);
for (const row of rows) console.log(row);
console.log(`| **mean** | | | | ${sums.map(s => `**${(s / runs).toFixed(3)}**`).join(' | ')} |`);
