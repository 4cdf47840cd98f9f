/**
 * `node --import tsx bench/search.ts [db.sqlite ...]`: the console's search alone, faster to run than
 * `npm run bench`. Over ~100k synthetic names (a 10M-logon estate has 60-100k) and over the names of
 * each database given, it reports the index build (the distinct-names query timed apart) and each
 * keystroke of typing whole names, as the bench does, plus misspelt ones: median and max of 3 runs.
 */
import {openDb} from '../source/db/open.ts';
import {distinctEntities, type EntityName} from '../source/db/pivots.ts';
import {EntitySearch} from '../source/search/index.ts';
import {prng, syntheticNames} from '../test/search/synthetic-names.ts';

const ms = (t: number) => `${t.toFixed(1)} ms`;

function measure(label: string, names: EntityName[]): void {
	const busiest = (kind: string) => names.filter(x => x.kind === kind).sort((a, b) => b.n - a.n)[0]?.value ?? '';
	const random = prng(3);
	const some = () => names[Math.floor(random() * names.length)]!.value;
	const misspelt = (value: string) => value.slice(0, Math.floor(value.length / 2)) + value.slice(Math.floor(value.length / 2) + 1);
	const words = [busiest('user'), busiest('target'), busiest('src'), some(), some(), misspelt(some()), misspelt(some())].filter(w => w.length > 0);

	let t = performance.now();
	const index = new EntitySearch(names);
	const build = performance.now() - t;
	const times: number[] = [];
	for (let run = 0; run < 3; run++) {
		for (const word of words) {
			for (let i = 1; i <= word.length; i++) {
				t = performance.now();
				index.search(word.slice(0, i));
				times.push(performance.now() - t);
			}
		}
	}

	times.sort((a, b) => a - b);
	console.log(`${label}: ${names.length.toLocaleString('en-US')} names, index build ${ms(build)}; `
		+ `${times.length} keystrokes median ${ms(times[Math.floor(times.length / 2)]!)}, max ${ms(times.at(-1)!)}`);
	console.log(`  typed: ${words.join(' | ')}`);
}

measure('synthetic', syntheticNames(100_000));
for (const file of process.argv.slice(2)) {
	const db = openDb(file, {readOnly: true});
	const t = performance.now();
	const names = distinctEntities(db);
	console.log(`${file}: distinct names query ${ms(performance.now() - t)}`);
	measure(file, names);
	db.close();
}
