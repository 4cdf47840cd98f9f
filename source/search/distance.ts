/**
 * How many errors fuse's bitap counts when it finds `pattern` in a name: the fewest insertions,
 * deletions and substitutions that turn the pattern into some substring of the name (approximate
 * substring matching). Computed with Myers' bit-parallel algorithm (1999): one pass over the name's
 * characters with 32-bit words, much cheaper than fuse's bitap, which makes one pass per error level
 * and allocates as it goes. The search index uses it only to choose which names fuse scores.
 */

/** fuse's bitap limit: a longer pattern is searched in 32-character chunks. */
export const MAX_PATTERN = 32;

/** What `distances` writes for a name the pattern does not match within its error budget. */
export const NO_MATCH = 255;

/**
 * The pattern's character masks, indexed by UTF-16 code unit (bit i set where pattern[i] is that
 * character), as Myers' algorithm reads them. Reused between patterns: `clearMasks` undoes `setMasks`.
 */
export function setMasks(masks: Int32Array, pattern: string): void {
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern.charCodeAt(i);
		masks[c] = masks[c]! | (1 << i);
	}
}

export function clearMasks(masks: Int32Array, pattern: string): void {
	for (let i = 0; i < pattern.length; i++) masks[pattern.charCodeAt(i)] = 0;
}

/**
 * The approximate substring distance of an `m`-character pattern (1..32, its masks set) to each
 * name in `text`, where name i is text[starts[i], starts[i + 1] - 1) (one separator after each):
 * into `out[i]`, or NO_MATCH where it is over `k`. One loop over every name, so that V8 optimizes it
 * within the first search (a function called per name would run unoptimized for the first few
 * thousand names).
 */
export function distances(masks: Int32Array, m: number, k: number, text: string, starts: Int32Array, out: Uint8Array): void {
	const high = 1 << (m - 1);
	const count = starts.length - 1;
	for (let i = 0; i < count; i++) {
		const start = starts[i]!;
		const end = starts[i + 1]! - 1;
		// At least m - length errors: the pattern's surplus characters are deleted.
		if (m - (end - start) > k) {
			out[i] = NO_MATCH;
			continue;
		}

		let pv = -1;
		let mv = 0;
		let score = m;
		let best = m;
		for (let j = start; j < end; j++) {
			const eq = masks[text.charCodeAt(j)]!;
			const xv = eq | mv;
			// The sum may carry past 32 bits; `^` truncates it to a 32-bit word, as C's overflow would.
			const xh = (((eq & pv) + pv) ^ pv) | eq;
			let ph = mv | ~(xh | pv);
			let mh = pv & xh;
			if (ph & high) score++;
			else if (mh & high) score--;
			// No carry into the lowest bit: a match may start anywhere in the name (search, not global).
			ph <<= 1;
			mh <<= 1;
			pv = mh | ~(xv | ph);
			mv = ph & xv;
			if (score < best) best = score;
		}

		out[i] = best <= k ? best : NO_MATCH;
	}
}

/** The approximate substring distance of `pattern` (1..32 characters) to `text`, case as given. */
export function substringDistance(pattern: string, text: string): number {
	if (pattern.length === 0 || pattern.length > MAX_PATTERN) throw new RangeError(`pattern of ${pattern.length} characters (1..${MAX_PATTERN})`);
	const masks = new Int32Array(65_536);
	setMasks(masks, pattern);
	const out = new Uint8Array(1);
	distances(masks, pattern.length, pattern.length, text + '\u0000', Int32Array.of(0, text.length + 1), out);
	return out[0]!;
}
