import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openMemoryDb} from '../../source/db/open.ts';
import {addNewEntries, identicalEntry, listEntries, setEntryEnabled} from '../../source/db/allowlist.ts';
import {parseAllowlistFile, validateEntry} from '../../source/allowlist/entry.ts';
import {SPEC_ALLOWLIST} from '../helpers/allowlist-file.ts';

test('importing the same file again adds nothing: every entry is already present', () => {
	const db = openMemoryDb();
	assert.deepEqual(addNewEntries(db, parseAllowlistFile(SPEC_ALLOWLIST), 'alice'), {added: [1, 2, 3], present: []});
	// Another author, another day: the same rules still.
	assert.deepEqual(addNewEntries(db, parseAllowlistFile(SPEC_ALLOWLIST), 'bob'), {added: [], present: [1, 2, 3]});
	assert.equal(listEntries(db).length, 3);
});

test('an entry that differs in reason, expiry, scope, match or state is added; a repeat within the file is not', () => {
	const db = openMemoryDb();
	const base = {kind: 'user', pattern: 'svc-backup', reason: 'nightly backup'};
	addNewEntries(db, [validateEntry(base)], 'alice');
	const variants = [
		{...base, reason: 'weekly backup'},
		{...base, expires: '2027-01-31'},
		{...base, expires: '2027-01-30'},
		{...base, profile: 'qradar'},
		{...base, match: 'glob'},
		{...base, enabled: false},
		{...base, pattern: 'svc-backup2'},
	];
	const {added, present} = addNewEntries(db, [...variants, ...variants, base].map(v => validateEntry(v)), 'alice');
	assert.deepEqual(added, [2, 3, 4, 5, 6, 7, 8]);
	assert.deepEqual(present, [2, 3, 4, 5, 6, 7, 8, 1]);
	assert.equal(identicalEntry(db, validateEntry({...base, expires: '2027-01-31'})), 3);
	assert.equal(identicalEntry(db, validateEntry({...base, expires: '2027-01-31T12:00:00Z'})), undefined);
	setEntryEnabled(db, 1, false);
	assert.equal(identicalEntry(db, validateEntry(base)), undefined, 'a disabled entry is not the enabled one');
});

test('a failing insert adds none of the entries', () => {
	const db = openMemoryDb();
	const good = validateEntry({kind: 'user', pattern: 'a', reason: 'ok'});
	// Past validation, the table's own check (a reason that is not blank) still refuses it.
	assert.throws(() => addNewEntries(db, [good, {...good, pattern: 'b', reason: ' '}], 'alice'));
	assert.equal(listEntries(db).length, 0);
});
