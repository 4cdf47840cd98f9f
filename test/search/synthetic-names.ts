/**
 * A deterministic set of distinct names shaped like a large Windows estate's (what the search
 * indexes at 10M logons): first.last users, adm- and svc- accounts, machine accounts, workstations,
 * servers, VDIs, domain controllers and 10.x source addresses, with skewed logon counts and a few
 * names holding spaces (like "ANONYMOUS LOGON"), which fuse scores differently.
 */
import type {EntityName} from '../../source/db/pivots.ts';
import {Random} from '../../source/generate/random.ts';

/** A seeded stream of floats in [0, 1): the generator's own (the same seed gives the same names everywhere). */
export function prng(seed: number): () => number {
	const random = new Random(seed, 'search-names');
	return () => random.next();
}

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'ch', 'sh', 'th', 'br', 'st', 'tr', 'gr', ''];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'y', 'ea', 'ou', 'ai', 'ie'];
const CODAS = ['', '', 'n', 'r', 's', 'l', 't', 'm', 'ck', 'nd', 'rt', 'son', 'ton', 'ley'];
const SERVER_ROLES = ['APP', 'SQL', 'FS', 'WEB', 'EXCH', 'PRINT', 'BKP', 'CTX', 'HV', 'LOG', 'CA', 'RDS'];

/** About `count` distinct names (a few fewer where random ones collide), each with a logon count. */
export function syntheticNames(count = 100_000, seed = 9): EntityName[] {
	const random = prng(seed);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
	const word = (syllables: number) => Array.from({length: syllables}, () => pick(ONSETS) + pick(VOWELS)).join('') + pick(CODAS);
	const firsts = Array.from({length: 400}, () => word(1 + Math.floor(random() * 2)));
	const lasts = Array.from({length: 900}, () => word(2 + Math.floor(random() * 2)));
	// Logon counts: most names a few dozen, a few names very busy (Pareto-like).
	const n = () => Math.max(1, Math.round(20 / (random() ** 1.3)) - 15);
	const pad = (value: number, width: number) => String(value).padStart(width, '0');

	const seen = new Set<string>();
	const names: EntityName[] = [];
	const add = (kind: EntityName['kind'], value: string) => {
		if (seen.has(`${kind}\u0000${value}`)) return;
		seen.add(`${kind}\u0000${value}`);
		names.push({kind, value, n: n()});
	};

	const share = (part: number) => Math.round(count * part);
	for (let i = 0; i < share(0.2); i++) add('target', `WS-${pad(i, 5)}`);
	for (let i = 0; i < share(0.18); i++) add('user', `WS-${pad(i, 5)}$`);
	while (names.length < share(0.75)) {
		const first = pick(firsts);
		const last = pick(lasts);
		const roll = random();
		if (roll < 0.85) add('user', `${first}.${last}`);
		else if (roll < 0.93) add('user', `${first}.${last}${1 + Math.floor(random() * 9)}`);
		else if (roll < 0.98) add('user', `adm-${first[0]}${last}`);
		else add('user', `svc-${last}`);
	}

	for (let i = 0; i < share(0.005); i++) add('target', `VDI-${pad(i, 3)}`);
	for (let i = 0; i < share(0.005); i++) add('target', `SRV-${pick(SERVER_ROLES)}${pad(1 + Math.floor(random() * 99), 2)}`);
	for (let i = 1; i <= 24; i++) add('target', `DC${pad(i, 2)}`);
	for (const spaced of ['ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', 'Window Manager\\DWM-1', 'Font Driver Host\\UMFD-0']) add('user', spaced);
	while (names.length < count) add('src', `10.${1 + Math.floor(random() * 40)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`);
	return names;
}
