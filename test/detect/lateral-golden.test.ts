/**
 * Golden ranking of the lateral profile on one generated week (seed 61, 60 people, 7 days, UTC;
 * no seed npm run eval uses). The week is written by the generator, loaded by lateral's own
 * readers and hunted with the shipped profile over all loaded time without an allowlist.
 *
 * Checked against things that are not the scoring code: the generator's ground truth (the
 * planted attacker pairs must lead the ranking) and arithmetic (every finding's reasons add up
 * to its score). The top of the ranking, with each reason, is pinned in
 * test/golden/lateral-seed61-users60.json: regenerate it with UPDATE_GOLDEN=1 only after
 * reading why it changed.
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openMemoryDb} from '../../source/db/open.ts';
import {averagePrecision, pairKey} from '../../source/detect/evaluate.ts';
import {hunt} from '../../source/detect/hunt.ts';
import type {Finding} from '../../source/detect/types.ts';
import {generateDataset, type GroundTruth} from '../../source/generate/index.ts';
import {expandPaths, loadFile} from '../../source/ingest/load.ts';

const golden = new URL('../golden/lateral-seed61-users60.json', import.meta.url);
const TOP = 12;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-golden-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

let truth: GroundTruth;
let findings: Finding[];

before(async () => {
	truth = await generateDataset({out: scratch, seed: 61, users: 60, days: 7, start: '2026-11-02', tz: 'UTC', windowsFormat: 'windows-json'});
	const db = openMemoryDb();
	for (const file of expandPaths([scratch])) {
		const result = await loadFile(db, file, {tz: 'UTC', year: 2026});
		assert.notEqual(result.status, 'refused', file);
	}

	findings = hunt(db, {profile: 'lateral', tz: 'UTC', window: null, allowlist: false}).findings;
	db.close();
});

test('every finding\'s reasons add up to its score, and the ranking is by score', () => {
	assert.ok(findings.length > 0);
	for (const f of findings) assert.equal(f.reasons.reduce((sum, r) => sum + r.points, 0), f.score, `${f.src_ip} ${f.user}`);
	for (let i = 1; i < findings.length; i++) assert.ok(findings[i - 1]!.score >= findings[i]!.score);
});

test('the planted attacker pairs lead the ranking (ground truth from the generator)', () => {
	const planted = new Set(truth.attacker_pairs.map(p => pairKey(p.src_ip, p.user)));
	const ranking = findings.map(f => pairKey(f.src_ip, f.user));
	assert.ok(averagePrecision(ranking, planted) >= 0.9, `average precision ${averagePrecision(ranking, planted)}`);
	// Every planted pair is found, and the first five findings are all planted.
	for (const key of planted) assert.ok(ranking.includes(key), key.replace('\u0000', ' '));
	assert.ok(ranking.slice(0, 5).every(key => planted.has(key)));
});

test('golden: the top of the ranking with every reason', () => {
	const top = findings.slice(0, TOP).map(f => ({src_ip: f.src_ip, user: f.user, score: f.score, reasons: f.reasons}));
	const text = `${JSON.stringify(top, null, '\t')}\n`;
	if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(golden, text);
	assert.equal(text, fs.readFileSync(golden, 'utf8'));
});
