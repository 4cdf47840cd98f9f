/** Counts as people read them, for the screens and the command lines alike. */

/** `1,234`. */
export function count(n: number): string {
	return n.toLocaleString('en-US');
}

/** `1 logon`, `3 logons`; `many` for irregular plurals (`entries`). */
export function plural(n: number, word: string, many = `${word}s`): string {
	return `${count(n)} ${n === 1 ? word : many}`;
}
