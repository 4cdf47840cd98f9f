import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EntitySearch, dropSearchIndex, searchIndexFor} from '../../source/search/index.ts';
import {addDataset, dbWith, logon, logons} from '../helpers/logons.ts';

const db = dbWith([
	...logons(5, i => ({src_ip: '10.10.3.7', user: 'adm-jdoe', target: `SRV-FS0${i}`})),
	...logons(3, {src_ip: '10.10.3.8', user: 'jdoe', target: 'WS-JDOE'}),
	logon({src_ip: '10.20.0.9', user: 'svc-sccm', target: 'SCCM01'}),
	logon({src_ip: '192.168.1.4', user: 'administrator', target: 'DC01'}),
	logon({src_ip: '192.168.1.5', user: 'bob', target: 'DC02'}),
]);

test('a name with a letter missing finds that name first', () => {
	const hits = searchIndexFor(db).search('adm-jde');
	assert.deepEqual(hits[0] && [hits[0].kind, hits[0].value], ['user', 'adm-jdoe']);
	assert.equal(searchIndexFor(db).search('svc-scm')[0]?.value, 'svc-sccm');
	assert.equal(searchIndexFor(db).search('SCCM0')[0]?.value, 'SCCM01', 'case-insensitive');
});

test('partial names match, and an exact name ranks above longer names containing it', () => {
	const values = searchIndexFor(db).search('jdoe').map(h => h.value);
	assert.equal(values[0], 'jdoe');
	assert.ok(values.includes('adm-jdoe') && values.includes('WS-JDOE'), values.join(','));
	assert.deepEqual(searchIndexFor(db).search('10.10.3').slice(0, 2).map(h => h.value).sort(), ['10.10.3.7', '10.10.3.8']);
	assert.equal(searchIndexFor(db).search('10.10.3')[0]?.value, '10.10.3.7', 'ties go to the name with more logons');
});

test('every dimension is indexed with its kind; nothing matches an empty query or nonsense', () => {
	const index = searchIndexFor(db);
	assert.equal(index.size, 5 + 5 + 9);
	assert.deepEqual(index.search('DC01')[0], {kind: 'target', value: 'DC01', n: 1, score: index.search('DC01')[0]!.score});
	assert.equal(index.search('   ').length, 0);
	assert.equal(index.search('zzzzqqqq').length, 0);
	assert.equal(index.search('10.', 3).length, 3, 'limit caps the results');
});

test('the index is built once per database and rebuilt only when dropped', () => {
	const first = searchIndexFor(db);
	assert.equal(searchIndexFor(db), first);
	addDataset(db, [logon({src_ip: '10.99.0.1', user: 'mallory', target: 'SRV-NEW'})]);
	assert.equal(searchIndexFor(db).search('mallory').length, 0, 'kept warm: new names appear only after a drop');
	dropSearchIndex(db);
	assert.equal(searchIndexFor(db).search('malory')[0]?.value, 'mallory');
});

test('EntitySearch works on a plain list', () => {
	const s = new EntitySearch([{kind: 'user', value: 'backup-svc', n: 1}, {kind: 'target', value: 'BACKUP01', n: 9}]);
	assert.deepEqual(s.search('backup').map(h => h.value), ['BACKUP01', 'backup-svc']);
});
