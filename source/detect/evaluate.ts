/**
 * Ranking quality against ground truth: how well a profile puts the planted attacker
 * (source, user) pairs at the top of its findings.
 */

/**
 * Average precision of `ranking` (keys, best first) for the `relevant` keys: the mean, over every
 * relevant key, of the precision at the rank where it appears; a relevant key that is not ranked
 * at all contributes 0. 1 means every attacker pair is ranked above every other finding.
 */
export function averagePrecision(ranking: string[], relevant: Set<string>): number {
	if (relevant.size === 0) return 1;
	let hits = 0;
	let sum = 0;
	ranking.forEach((key, i) => {
		if (relevant.has(key)) {
			hits++;
			sum += hits / (i + 1);
		}
	});
	return sum / relevant.size;
}

/** The key a finding and a ground-truth pair share. */
export function pairKey(src: string, user: string): string {
	return `${src}\u0000${user.toLowerCase()}`;
}
