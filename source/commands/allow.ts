/**
 * `lateral allow add|list|rm|enable|disable|import|export`: the allowlist, kept in the database and
 * exchanged as YAML or JSON so a team can keep it in git.
 */
import os from 'node:os';
import {addNewEntries, getEntry, hitCounts, insertEntries, listEntries, removeEntry, sameRuleEntries, setEntryEnabled, type StoredEntry} from '../db/allowlist.ts';
import {suggestEntries} from '../allowlist/suggest.ts';
import {describeEntry, EntryError, entryForFile, formatExpiry, parseAllowlistFile, serializeAllowlist, validateEntry, KINDS, MATCHES} from '../allowlist/entry.ts';
import {loadProfile} from '../detect/profiles.ts';
import {renderTable} from '../export/table.ts';
import {InputError, UsageError} from '../util/errors.ts';
import {readTextFile} from '../util/files.ts';
import {neutralize, jsonText} from '../util/sanitize.ts';
import {println, stringFlag, type Command} from './command.ts';
import {formatOf, openFromFlags, outputWidth, tzOf} from './options.ts';

const help = `
Usage
  $ lateral allow add --kind KIND [what] --reason TEXT [options]
  $ lateral allow list [--format table|json] [--profile NAME]
  $ lateral allow rm ID
  $ lateral allow enable ID | disable ID
  $ lateral allow import FILE
  $ lateral allow export [--format yaml|json]
  $ lateral allow suggest [--add]

Allowlist entries suppress known-good activity inside every profile's SQL, so counts and scores
are recomputed without it. hunt --no-allowlist ignores them.

add
  --kind KIND       ${KINDS.join(' | ')}
  --pattern P       for src_ip, user, target
  --src-ip IP       for pair, with --user U or --target H
  --match M         ${MATCHES.join(' | ')} (default exact; user and target match case-insensitively;
                    cidr for addresses)
  --reason TEXT     required: why this is known-good
  --expires DATE    stops applying after this day (2027-01-31) or at this ISO time
  --profile NAME    apply to this profile only
  The author is taken from $USER.

list: every entry with its state (active, disabled, expired) and what it suppresses: logons it
matches and findings of --profile (default lateral) it removes.

suggest: looks for the false positives the seeds name (VDI brokers, software distribution and
backup accounts sweeping hosts at night, jump servers, domain controllers) and prints them; with
--add they are stored disabled, for a hunter to confirm one by one with allow enable ID.

import: a YAML or JSON file holding a list of entries or {allowlist: [...]}; all entries are
checked first and nothing is imported if any is wrong (the error names the entry and field).
Entries already in the allowlist (same rule, reason, expiry, scope and state) are not added again,
so a file kept in git can be imported after every change.

Examples
  $ lateral allow add --kind src_ip --pattern 10.20.0.0/24 --match cidr --reason "Citrix delivery controllers"
  $ lateral allow add --kind pair --src-ip 10.20.0.9 --user svc-sccm --reason "SCCM software distribution"
  $ lateral allow import team-allowlist.yaml
  $ lateral allow export > team-allowlist.yaml
  $ lateral allow suggest --add
`;

function stateOf(e: StoredEntry): string {
	if (!e.enabled) return e.suggested ? 'suggested' : 'disabled';
	return e.expired ? 'expired' : 'active';
}

function idArg(input: string[]): number {
	const id = Number(input[1]);
	if (!Number.isInteger(id) || id <= 0) throw new UsageError(`allow ${input[0]} needs an entry ID (see lateral allow list)`);
	return id;
}

export const allow: Command = {
	name: 'allow',
	summary: 'manage the allowlist (add, list, rm, enable, disable, import, export, suggest)',
	help,
	flags: {
		kind: {type: 'string'},
		pattern: {type: 'string'},
		srcIp: {type: 'string'},
		user: {type: 'string'},
		target: {type: 'string'},
		match: {type: 'string'},
		reason: {type: 'string'},
		expires: {type: 'string'},
		profile: {type: 'string'},
		format: {type: 'string'},
		add: {type: 'boolean', default: false},
	},
	async run({input, flags, stdout, stderr}) {
		const action = input[0];
		const db = openFromFlags(flags);
		try {
			switch (action) {
				case 'add': {
					const profile = stringFlag(flags, 'profile');
					if (profile !== undefined) loadProfile(profile);
					let entry;
					try {
						entry = validateEntry(Object.fromEntries(Object.entries({
							kind: stringFlag(flags, 'kind'),
							pattern: stringFlag(flags, 'pattern'),
							src_ip: stringFlag(flags, 'srcIp'),
							user: stringFlag(flags, 'user'),
							target: stringFlag(flags, 'target'),
							match: stringFlag(flags, 'match'),
							reason: stringFlag(flags, 'reason'),
							expires: stringFlag(flags, 'expires'),
							profile,
						}).filter(([, v]) => v !== undefined)));
					} catch (error) {
						if (error instanceof EntryError) throw new UsageError(`allow add: --${error.field.replace('_', '-')} ${error.reason}`);
						throw error;
					}

					const {added: [id], present: [existing]} = addNewEntries(db, [entry], process.env['USER'] ?? os.userInfo().username);
					if (existing !== undefined) println(stdout, `already in the allowlist as entry ${existing}: ${neutralize(describeEntry(entry))} — ${neutralize(entry.reason)}`);
					else println(stdout, `added allowlist entry ${id}: ${neutralize(describeEntry(entry))} — ${neutralize(entry.reason)}`);
					if (entry.expires !== undefined && entry.expires <= Date.now()) {
						println(stderr, `lateral: note: it expired on ${formatExpiry(entry.expires).slice(0, 10)}, so it does not apply (check --expires)`);
					}

					return 0;
				}

				case 'list': {
					const format = formatOf(flags, ['table', 'json'] as const, 'table');
					const tz = tzOf(flags);
					const profile = loadProfile(stringFlag(flags, 'profile') ?? 'lateral').name;
					const entries = listEntries(db);
					const hits = hitCounts(db, profile, tz);
					const rows = entries.map(e => ({
						id: e.id,
						...entryForFile(e),
						state: stateOf(e),
						hits: {events: hits.get(e.id)?.events ?? 0, findings: hits.get(e.id)?.findings ?? 0, profile},
					}));
					if (format === 'json') println(stdout, jsonText(rows, 2));
					else if (rows.length === 0) println(stdout, 'The allowlist is empty. Add an entry with lateral allow add (see --help).');
					else {
						println(stdout, renderTable(entries, [
							{header: 'ID', value: e => e.id, right: true},
							{header: 'STATE', value: e => stateOf(e)},
							{header: 'MATCHES', value: e => describeEntry(e), flexible: true, min: 16},
							{header: 'EVENTS', value: e => hits.get(e.id)?.events ?? 0, right: true},
							{header: `FINDINGS (${profile})`, value: e => hits.get(e.id)?.findings ?? 0, right: true},
							{header: 'EXPIRES', value: e => e.expires === undefined ? '' : formatExpiry(e.expires).slice(0, 10)},
							{header: 'SCOPE', value: e => e.profile ?? 'all'},
							{header: 'REASON', value: e => e.reason, flexible: true, min: 12},
						], outputWidth(stdout)));
					}

					return 0;
				}

				case 'rm': {
					const id = idArg(input);
					const entry = getEntry(db, id);
					if (!entry || !removeEntry(db, id)) throw new InputError(`allowlist entry ${id}`, 'no such entry');
					println(stdout, `removed allowlist entry ${id}: ${neutralize(describeEntry(entry))}`);
					return 0;
				}

				case 'enable':
				case 'disable': {
					const id = idArg(input);
					if (!setEntryEnabled(db, id, action === 'enable')) throw new InputError(`allowlist entry ${id}`, 'no such entry');
					println(stdout, `${action}d allowlist entry ${id}`);
					return 0;
				}

				case 'import': {
					const file = input[1];
					if (!file) throw new UsageError('allow import needs a FILE');
					const text = readTextFile(file);

					let entries;
					try {
						entries = parseAllowlistFile(text);
					} catch (error) {
						if (error instanceof EntryError) throw new InputError(file, `${error.message}; nothing was imported`);
						throw error;
					}

					// Entries stored already are skipped, so re-importing the team's file adds only what is new.
					const {added, present} = addNewEntries(db, entries, process.env['USER'] ?? os.userInfo().username);
					const notes = [added.length > 0 ? `ids ${added[0]}..${added.at(-1)}` : '', present.length > 0 ? `${present.length} already present` : ''].filter(Boolean);
					println(stdout, `imported ${added.length} allowlist entr${added.length === 1 ? 'y' : 'ies'} from ${neutralize(file)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
					return 0;
				}

				case 'export': {
					const format = formatOf(flags, ['yaml', 'json'] as const, 'yaml');
					println(stdout, serializeAllowlist(listEntries(db), format));
					return 0;
				}

				case 'suggest': {
					const suggestions = suggestEntries(db, tzOf(flags));
					if (suggestions.length === 0) {
						println(stdout, 'Nothing in the data looks like a VDI broker, software distribution, backup account, jump server or domain controller.');
						return 0;
					}

					const fresh = suggestions.filter(x => sameRuleEntries(db, x.entry).length === 0);
					for (const x of suggestions) {
						println(stdout, `${x.class.padEnd(22)} ${neutralize(describeEntry(x.entry))}: ${neutralize(x.evidence)}${fresh.includes(x) ? '' : ' (already in the allowlist)'}`);
					}

					if (flags['add'] === true && fresh.length > 0) {
						const ids = insertEntries(db, fresh.map(x => x.entry), 'lateral', e => fresh.find(x => x.entry === e)?.class);
						println(stdout, `added ${ids.length} disabled suggestion${ids.length === 1 ? '' : 's'} (ids ${ids[0]}..${ids.at(-1)}); confirm each with lateral allow enable ID`);
					} else if (fresh.length > 0) {
						println(stdout, 'Run lateral allow suggest --add to store these disabled, then enable the ones you confirm.');
					}

					return 0;
				}

				default:
					throw new UsageError(`allow needs an action: add, list, rm, enable, disable, import, export or suggest (got "${action ?? ''}")`);
			}
		} finally {
			db.close();
		}
	},
};
