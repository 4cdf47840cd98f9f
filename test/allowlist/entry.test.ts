import {test} from 'node:test';
import assert from 'node:assert/strict';
import {describeEntry, entryForFile, formatExpiry, parseAllowlistFile, parseExpiry, serializeAllowlist, validateEntry} from '../../source/allowlist/entry.ts';
import {SPEC_ALLOWLIST} from '../helpers/allowlist-file.ts';

test('the SPEC example file parses, with defaults and pair fields', () => {
	const entries = parseAllowlistFile(SPEC_ALLOWLIST);
	assert.equal(entries.length, 3);
	assert.deepEqual(entries[0], {kind: 'src_ip', pattern: '10.20.0.0/24', match: 'cidr', reason: 'Citrix delivery controllers'});
	assert.deepEqual(entries[1], {kind: 'pair', src_ip: '10.20.0.9', user: 'svc-sccm', target: undefined, match: 'exact', reason: 'SCCM software distribution', expires: Date.parse('2027-02-01T00:00:00Z')});
	assert.equal(entries[2]!.match, 'glob');
});

test('JSON and the {allowlist: [...]} wrapper are accepted', () => {
	const entries = parseAllowlistFile(JSON.stringify({allowlist: [{kind: 'target', pattern: 'DC01', reason: 'domain controller'}]}));
	assert.deepEqual(entries, [{kind: 'target', pattern: 'DC01', match: 'exact', reason: 'domain controller'}]);
});

test('a malformed entry names its index and field', () => {
	const cases: Array<[string, RegExp]> = [
		['[{kind: src_ip, pattern: 10.0.0.1}]', /^entry 0: reason: is required/],
		['[{kind: src_ip, pattern: 1.1.1.1, reason: ok}, {kind: host, pattern: x, reason: y}]', /^entry 1: kind: must be one of/],
		['[{kind: src_ip, pattern: 10.0.0.0/40, match: cidr, reason: r}]', /^entry 0: pattern: "10.0.0.0\/40" is not an IPv4 CIDR/],
		['[{kind: user, pattern: "a(", match: regex, reason: r}]', /^entry 0: pattern: bad regex/],
		['[{kind: user, pattern: x, match: fuzzy, reason: r}]', /^entry 0: match: must be one of/],
		['[{kind: user, pattern: x, match: cidr, reason: r}]', /^entry 0: match: cidr applies to src_ip/],
		['[{kind: pair, src_ip: 10.0.0.1, reason: r}]', /^entry 0: user: a pair needs exactly one of user or target/],
		['[{kind: pair, src_ip: 10.0.0.1, user: a, target: b, reason: r}]', /^entry 0: target: a pair needs exactly one/],
		['[{kind: pair, user: a, reason: r}]', /^entry 0: src_ip: a pair needs src_ip/],
		['[{kind: user, pattern: x, reason: r, expires: someday}]', /^entry 0: expires: "someday" is not a date/],
		['[{kind: user, pattern: x, reason: r, colour: red}]', /^entry 0: colour: unknown field/],
		['[{kind: user, pattern: "", reason: r}]', /^entry 0: pattern: must not be empty/],
		['{kind: user}', /^file: expected a list/],
		['[{kind: user, pattern: x, reason: r}', /^file: not valid YAML or JSON/],
	];
	for (const [text, expected] of cases) {
		assert.throws(() => parseAllowlistFile(text), (error: Error) => expected.test(error.message), text);
	}
});

test('expiry: a bare date covers that whole day (UTC), an ISO time is exact', () => {
	assert.equal(parseExpiry('2027-01-31'), Date.parse('2027-02-01T00:00:00Z'));
	assert.equal(parseExpiry('2027-01-31T12:00:00Z'), Date.parse('2027-01-31T12:00:00Z'));
	assert.throws(() => parseExpiry('31/01/2027'), /not a date/);
});

test('export then import gives the same entries', () => {
	const entries = [
		validateEntry({kind: 'src_ip', pattern: '10.20.0.0/24', match: 'cidr', reason: 'VDI', expires: '2027-01-31', profile: 'qradar'}),
		validateEntry({kind: 'pair', src_ip: '10.20.0.9', target: 'WS-*', match: 'glob', reason: 'SCCM: = + - @ are just text'}),
	];
	for (const format of ['yaml', 'json'] as const) {
		const again = parseAllowlistFile(serializeAllowlist(entries, format));
		assert.deepEqual(again.map(describeEntry), entries.map(describeEntry));
		assert.deepEqual(again.map(e => [e.reason, e.expires, e.profile]), entries.map(e => [e.reason, e.expires, e.profile]));
	}
});

test('expiry: an impossible date is an error naming the value and the reason, in a file and from flags', () => {
	const cases: Array<[string, string]> = [
		['2027-02-30', 'February 2027 has 28 days'],
		['2027-02-29', 'February 2027 has 28 days'],
		['2027-04-31', 'April 2027 has 30 days'],
		['2027-13-01', 'there is no month 13'],
		['2027-01-00', 'there is no day 0'],
		['2027-02-30T12:00:00Z', 'February 2027 has 28 days'],
	];
	for (const [value, why] of cases) {
		assert.throws(() => parseExpiry(value), {message: `expires: "${value}" is not a calendar date: ${why}`}, value);
		assert.throws(() => parseAllowlistFile(`- {kind: user, pattern: a, reason: ok}\n- {kind: user, pattern: x, reason: r, expires: ${value}}\n`),
			{message: `entry 1: expires: "${value}" is not a calendar date: ${why}`}, value);
	}

	assert.throws(() => parseAllowlistFile('[{kind: user, pattern: x, reason: r, created: 2026-02-30T10:00:00Z}]'),
		{message: 'entry 0: created: "2026-02-30T10:00:00Z" is not a calendar date: February 2026 has 28 days'});
	assert.equal(parseExpiry('2028-02-29'), Date.parse('2028-03-01T00:00:00Z'));
	assert.equal(parseExpiry('2027-12-31'), Date.parse('2028-01-01T00:00:00Z'));
});

test('expiry: a bare date is shown and exported as that date; a time as the same instant', () => {
	assert.equal(formatExpiry(parseExpiry('2027-01-31')), '2027-01-31');
	assert.equal(formatExpiry(parseExpiry('2027-12-31')), '2027-12-31');
	assert.equal(formatExpiry(parseExpiry('2028-02-29')), '2028-02-29');
	assert.equal(formatExpiry(parseExpiry('2027-01-31T12:00:00Z')), '2027-01-31T12:00:00.000Z');
	assert.equal(formatExpiry(parseExpiry('2027-01-31T12:00:00+01:00')), '2027-01-31T11:00:00.000Z');
	// What older versions exported for a bare date (the next midnight) reads back as that date.
	assert.equal(formatExpiry(parseExpiry('2027-02-01T00:00:00.000Z')), '2027-01-31');
	assert.equal(entryForFile(validateEntry({kind: 'user', pattern: 'x', reason: 'r', expires: '2027-01-31'}))['expires'], '2027-01-31');
});

test('a file with a bare-date expiry exports back byte for byte, in YAML and JSON', () => {
	const yaml = `- kind: pair
  src_ip: 10.20.0.9
  user: svc-sccm
  match: exact
  reason: SCCM software distribution
  author: alice
  created: 2026-11-02T09:30:00.000Z
  expires: 2027-01-31
- kind: user
  pattern: svc-backup*
  match: glob
  reason: nightly backup
  expires: 2027-01-31T12:00:00.000Z
`;
	assert.equal(serializeAllowlist(parseAllowlistFile(yaml), 'yaml'), yaml);
	const json = serializeAllowlist(parseAllowlistFile(yaml), 'json');
	assert.match(json, /"expires": "2027-01-31"/);
	assert.equal(serializeAllowlist(parseAllowlistFile(json), 'json'), json);
});
