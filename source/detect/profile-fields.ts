/**
 * The fields a profile file may hold, as a table shaped like the profile's type, and the walk that
 * finds the first one that is unknown, missing or not an object where one is due. A misspelt key
 * must be refused by name: ignored, it would leave the field it meant at its default, or missing.
 */

/**
 * The table of a profile type's fields: a value field is `required` or `optional` as in the type,
 * an object field has a table of its own. Typed from the interface, so the two cannot drift apart.
 */
export type Fields<T> = {
	readonly [K in keyof T]-?: T[K] extends string | number | boolean | null | undefined | readonly unknown[]
		? undefined extends T[K] ? 'optional' : 'required'
		: Fields<T[K]>;
};

/** Any `Fields<T>`, as the walk reads it. */
interface FieldTable {
	readonly [key: string]: 'required' | 'optional' | FieldTable;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with the fields of `value` (a parsed profile file) against `fields`, as one line
 * naming the field's path (`unknown field signals.spray.pionts (did you mean points?)`,
 * `signals.spray.points is missing`); undefined when nothing is. Unknown keys come first at each
 * level, so a misspelt key is named rather than the one it was meant to be.
 */
export function fieldProblem(value: Record<string, unknown>, fields: FieldTable, at = ''): string | undefined {
	const known = Object.keys(fields);
	for (const key of Object.keys(value)) {
		if (!Object.hasOwn(fields, key)) {
			const near = closest(key, known);
			return `unknown field ${at}${key}${near === undefined ? '' : ` (did you mean ${near}?)`}`;
		}
	}

	for (const key of known) {
		const field = fields[key]!;
		if (!Object.hasOwn(value, key)) {
			if (field !== 'optional') return `${at}${key} is missing`;
		} else if (typeof field === 'object') {
			const inner = value[key];
			if (!isObject(inner)) return `${at}${key} must be an object`;
			const problem = fieldProblem(inner, field, `${at}${key}.`);
			if (problem !== undefined) return problem;
		}
	}

	return undefined;
}

/**
 * The name in `known` nearest `name`, when near enough to be a slip of the keyboard: at most a
 * third of its length in edits (at least one, but never all of it), case aside, a swap of two
 * neighbours counting as one.
 */
export function closest(name: string, known: readonly string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = Math.min(Math.max(1, Math.floor(name.length / 3)), name.length - 1) + 1;
	for (const candidate of known) {
		const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
		if (d < bestDistance) {
			best = candidate;
			bestDistance = d;
		}
	}

	return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
	// rows[i][j]: distance between a's first i characters and b's first j.
	const rows = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
			rows[i]![j] = d;
		}
	}

	return rows[a.length]![b.length]!;
}
