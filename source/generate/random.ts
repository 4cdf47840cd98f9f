/**
 * A small seeded pseudo-random generator (sfc32) so a dataset is a pure function of its seed.
 * Every part of the generator draws from its own stream, derived from the seed and a label, so
 * adding draws in one part (say, more noise on Linux) never shifts what another part produces.
 */

/** xmur3-style string hash: turns a label into well-mixed 32-bit seeds for sfc32. */
function hashLabel(text: string): () => number {
	let h = 1779033703 ^ text.length;
	for (let i = 0; i < text.length; i++) {
		h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
		h = (h << 13) | (h >>> 19);
	}

	return () => {
		h = Math.imul(h ^ (h >>> 16), 2246822507);
		h = Math.imul(h ^ (h >>> 13), 3266489909);
		h ^= h >>> 16;
		return h >>> 0;
	};
}

/** A deterministic random stream with the few distributions the generator needs. */
export class Random {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	/** A stream for `seed` and a label path, e.g. `new Random(7, 'day', 3)`. */
	constructor(seed: number, ...labels: Array<string | number>) {
		const next = hashLabel(`${seed}|${labels.join('|')}`);
		this.a = next();
		this.b = next();
		this.c = next();
		this.d = next();
		// sfc32 wants a few rounds before its output is well mixed.
		for (let i = 0; i < 15; i++) this.next();
	}

	/** Uniform in [0, 1). */
	next(): number {
		const t = (((this.a + this.b) | 0) + this.d) | 0;
		this.d = (this.d + 1) | 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) | 0;
		this.c = (this.c << 21) | (this.c >>> 11);
		this.c = (this.c + t) | 0;
		return (t >>> 0) / 4294967296;
	}

	/** Uniform integer in [min, max], both inclusive. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** Uniform real in [min, max). */
	real(min: number, max: number): number {
		return min + this.next() * (max - min);
	}

	/** True with probability `p`. */
	chance(p: number): boolean {
		return this.next() < p;
	}

	/** One element of a non-empty array. */
	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new Error('pick from an empty list');
		return items[Math.floor(this.next() * items.length)]!;
	}

	/** Normal deviate (Box-Muller), clamped to [min, max] so callers never get absurd tails. */
	normal(mean: number, sd: number, min = -Infinity, max = Infinity): number {
		const u = 1 - this.next();
		const v = this.next();
		const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
		return Math.min(max, Math.max(min, mean + sd * z));
	}

	/** Poisson-distributed count with mean `mean` (Knuth for small means, normal beyond). */
	poisson(mean: number): number {
		if (mean <= 0) return 0;
		if (mean > 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
		const limit = Math.exp(-mean);
		let k = 0;
		let p = this.next();
		while (p > limit) {
			k++;
			p *= this.next();
		}

		return k;
	}

	/** A new array with the items in random order (Fisher-Yates). */
	shuffle<T>(items: readonly T[]): T[] {
		const out = [...items];
		for (let i = out.length - 1; i > 0; i--) {
			const j = Math.floor(this.next() * (i + 1));
			[out[i], out[j]] = [out[j]!, out[i]!];
		}

		return out;
	}

	/** `k` distinct items (fewer when the list is shorter), in random order. */
	sample<T>(items: readonly T[], k: number): T[] {
		const out = [...items];
		const n = Math.min(out.length, Math.max(0, k));
		// A partial Fisher-Yates: only the first n places need settling.
		for (let i = 0; i < n; i++) {
			const j = i + Math.floor(this.next() * (out.length - i));
			[out[i], out[j]] = [out[j]!, out[i]!];
		}

		return out.slice(0, n);
	}

	/** Lower-case hex string of `length` digits. */
	hex(length: number): string {
		let out = '';
		while (out.length < length) out += this.int(0, 15).toString(16);
		return out;
	}
}
