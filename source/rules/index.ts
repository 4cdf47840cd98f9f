/**
 * `lateral rules`: a profile as a detection for a SIEM, with the allowlist folded in as
 * exclusions. One emitter per target language; each takes the entries already filtered to
 * those that apply (enabled, unexpired, in scope: see entries.ts).
 */
import type {Entry} from '../allowlist/entry.ts';
import type {Profile} from '../detect/profiles.ts';
import {emitAql} from './aql.ts';
import {emitCql} from './cql.ts';
import {emitSigma} from './sigma.ts';
import {emitSpl} from './spl.ts';

export const TARGETS = ['aql', 'cql', 'spl', 'sigma'] as const;
export type Target = (typeof TARGETS)[number];

export interface RuleOptions {
	/** IANA zone for business hours of scored profiles (else the profile's, else UTC). */
	tz?: string;
}

/** The detection text for `target`, ending with a newline. */
export function emitRules(target: Target, profile: Profile, entries: readonly Entry[], options: RuleOptions = {}): string {
	switch (target) {
		case 'aql': return emitAql(profile, entries, options);
		case 'cql': return emitCql(profile, entries, options);
		case 'spl': return emitSpl(profile, entries, options);
		case 'sigma': return emitSigma(profile, entries);
	}
}

export {applicableEntries} from './entries.ts';
