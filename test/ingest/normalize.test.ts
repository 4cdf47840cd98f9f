/**
 * Normalizing one record per shape, table-driven: each case is the raw record as a reader hands it
 * over and the fields it must give (hand-written from SPEC 2 and 3), or the skip/reject it must be.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {normalizeWindowsJson} from '../../source/ingest/windows-json.ts';
import {normalizeFalcon} from '../../source/ingest/falcon.ts';
import {normalizeQradar} from '../../source/ingest/qradar.ts';
import {normalizeSshd, type SyslogLine} from '../../source/ingest/sshd.ts';
import {account, address, epochMs} from '../../source/ingest/fields.ts';
import type {Logon, Normalized} from '../../source/ingest/types.ts';

type Case = {name: string; raw: unknown; tz?: string; want: Partial<Logon> | 'skip' | 'reject'; timeField?: RegExp};

function check(normalize: (raw: unknown, line: number, options: {tz: string}) => Normalized, cases: Case[]): void {
	for (const c of cases) {
		test(c.name, () => {
			const got = normalize(c.raw, 7, {tz: c.tz ?? 'UTC'});
			if (c.want === 'skip' || c.want === 'reject') {
				assert.equal(got.kind, c.want, JSON.stringify(got));
				return;
			}

			assert.equal(got.kind, 'logon', JSON.stringify(got));
			if (got.kind !== 'logon') return;
			const picked = Object.fromEntries(Object.keys(c.want).map(k => [k, got.logon[k as keyof Logon]]));
			assert.deepEqual(picked, c.want);
			assert.equal(got.logon.raw_ref, 7);
			if (c.timeField) assert.match(got.timeField ?? '', c.timeField);
		});
	}
}

const T = Date.parse('2026-11-04T02:13:00.250Z');

describe('windows-json: flat shape', () => {
	check(normalizeWindowsJson, [
		{name: '4624 with every field', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00.250Z', Computer: 'SRV-DB01', TargetUserName: 'adm-snovak', TargetDomainName: 'CORP', LogonType: '3', IpAddress: '10.10.1.15', IpPort: '50123', WorkstationName: 'WS-0007', AuthenticationPackageName: 'NTLM'},
			want: {ts: T, outcome: 'success', event_id: 4624, logon_type: 3, src_ip: '10.10.1.15', src_port: 50_123, src_host: 'WS-0007', user: 'adm-snovak', domain: 'CORP', target: 'SRV-DB01', dst_host: 'SRV-DB01', dst_ip: null, service: 'network', auth_package: 'NTLM', log_source_type: null}},
		{name: '4625 is a failure; EventID as a string', raw: {EventID: '4625', TimeCreated: '2026-11-04T02:13:00.250Z', Computer: 'H', TargetUserName: 'bob', LogonType: 10, IpAddress: '10.0.0.1'},
			want: {outcome: 'failure', event_id: 4625, logon_type: 10, service: 'rdp'}},
		{name: 'IPv4-mapped IPv6 becomes IPv4', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', IpAddress: '::ffff:10.1.2.3', TargetUserName: 'a'}, want: {src_ip: '10.1.2.3'}},
		{name: "'-' and '' sources are kept as they are; missing is null", raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', IpAddress: '-', TargetUserName: 'a'}, want: {src_ip: '-', src_port: null}},
		{name: 'empty source kept', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', IpAddress: '', TargetUserName: 'a'}, want: {src_ip: ''}},
		{name: 'missing source, user and computer are null', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z'}, want: {src_ip: null, user: null, target: null, logon_type: null}},
		// SPEC 2 "Keep the original strings": TargetUserName/TargetDomainName as written, as the EVTX reader and the seeds' SIEMs have them.
		{name: 'DOMAIN\\user is kept as written', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', TargetUserName: 'CORP\\alice'}, want: {user: 'CORP\\alice', domain: null}},
		{name: 'user@domain is kept as written', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', TargetUserName: 'admmig@offsec.lan', TargetDomainName: ''}, want: {user: 'admmig@offsec.lan', domain: ''}},
		{name: 'TargetDomainName is the domain', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', TargetUserName: 'alice', TargetDomainName: 'CORP'}, want: {user: 'alice', domain: 'CORP'}},
		{name: 'machine accounts keep their $', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', TargetUserName: 'DC01$'}, want: {user: 'DC01$'}},
		{name: '@timestamp when there is no TimeCreated', raw: {EventID: 4624, '@timestamp': '2026-11-04T02:13:00.250Z'}, want: {ts: T}, timeField: /@timestamp/},
		{name: 'NXLog: zoned @timestamp preferred over zone-less EventTime', raw: {EventID: 4624, EventTime: '2026-11-03 22:13:00', '@timestamp': '2026-11-04T02:13:00.250Z', Hostname: 'WORKSTATION6.theshire.local', host: 'wec.internal'},
			want: {ts: T, target: 'WORKSTATION6.theshire.local'}, timeField: /^@timestamp$/},
		{name: 'zone-less EventTime alone is read in --tz', raw: {EventID: 4624, EventTime: '2026-11-03 21:13:00'}, tz: 'America/New_York',
			want: {ts: Date.parse('2026-11-04T02:13:00Z')}, timeField: /no zone, read as America\/New_York/},
		{name: 'epoch ms TimeCreated', raw: {EventID: 4624, TimeCreated: T}, want: {ts: T}},
		{name: 'other event ids are skipped', raw: {EventID: 4634, TimeCreated: '2026-11-04T02:13:00Z'}, want: 'skip'},
		{name: 'no time is a reject', raw: {EventID: 4624, TargetUserName: 'a'}, want: 'reject'},
		{name: 'a garbled time is a reject', raw: {EventID: 4624, TimeCreated: 'yesterday'}, want: 'reject'},
		{name: 'no event id at all is a reject', raw: {TargetUserName: 'a'}, want: 'reject'},
		{name: 'null fields are missing', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', IpAddress: null, TargetUserName: null, LogonType: null}, want: {src_ip: null, user: null, logon_type: null}},
		{name: 'wrong types: an object where a name should be is missing', raw: {EventID: 4624, TimeCreated: '2026-11-04T02:13:00Z', TargetUserName: {a: 1}, LogonType: 'three'}, want: {user: null, logon_type: null}},
	]);
});

describe('windows-json: Winlogbeat / ECS shape', () => {
	check(normalizeWindowsJson, [
		{name: '4624 from winlog.event_data', raw: {'@timestamp': '2026-11-04T02:13:00.250Z', winlog: {event_id: 4624, computer_name: 'srv-fs01.corp.local', channel: 'Security', event_data: {TargetUserName: 'alice', TargetDomainName: 'CORP', LogonType: '3', IpAddress: '::ffff:10.9.8.7', IpPort: '0', WorkstationName: 'WS1'}}},
			want: {ts: T, outcome: 'success', user: 'alice', domain: 'CORP', logon_type: 3, src_ip: '10.9.8.7', src_port: null, src_host: 'WS1', target: 'srv-fs01.corp.local'}},
		{name: 'event id as event.code', raw: {'@timestamp': '2026-11-04T02:13:00Z', event: {code: '4625'}, winlog: {event_data: {TargetUserName: 'a'}}, host: {name: 'h1'}}, want: {outcome: 'failure', target: 'h1'}},
		{name: 'a 4672 is skipped', raw: {'@timestamp': '2026-11-04T02:13:00Z', winlog: {event_id: 4672, event_data: {}}}, want: 'skip'},
	]);
});

describe('windows-json: EVTX-to-JSON shape', () => {
	check(normalizeWindowsJson, [
		{name: '#attributes SystemTime (nanosecond text) and string values', raw: {Event: {System: {EventID: '4624', Channel: 'Security', Computer: 'WIN-77LTAPHIQ1R.example.corp', TimeCreated: {'#attributes': {SystemTime: '2019-03-18T22:15:36.036376000Z'}}}, EventData: {TargetUserName: 'Administrator', TargetDomainName: 'EXAMPLE', LogonType: '3', IpAddress: '10.0.2.17', WorkstationName: null}}},
			// null in this shape is an empty element (<Data Name="WorkstationName"/>): present and empty, as the EVTX reader reads it.
			want: {ts: Date.parse('2019-03-18T22:15:36.036Z'), user: 'Administrator', domain: 'EXAMPLE', src_ip: '10.0.2.17', src_host: '', target: 'WIN-77LTAPHIQ1R.example.corp'}},
		{name: 'SystemTime without a zone is UTC whatever --tz says', tz: 'Asia/Tokyo', raw: {Event: {System: {EventID: 4625, Computer: 'H', TimeCreated: {SystemTime: '2019-03-18 22:15:36.036375'}}, EventData: {TargetUserName: 'a'}}},
			want: {ts: Date.parse('2019-03-18T22:15:36.036Z'), outcome: 'failure'}},
		{name: 'EventID as {#text} and Data as an array of named items', raw: {Event: {System: {EventID: {'#text': '4624', '#attributes': {Qualifiers: ''}}, Computer: 'H', TimeCreated: {'#attributes': {SystemTime: '2026-11-04T02:13:00.250Z'}}}, EventData: {Data: [{'@Name': 'TargetUserName', '#text': 'bob'}, {'@Name': 'LogonType', '#text': '10'}, {'@Name': 'IpAddress', '#text': '192.168.1.9'}]}}},
			want: {ts: T, user: 'bob', logon_type: 10, src_ip: '192.168.1.9'}},
		{name: 'RDP 1149 from UserData is a type 10 success, service rdp-1149', raw: {Event: {System: {EventID: '1149', Channel: 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational', Computer: 'PC01', TimeCreated: {'#attributes': {SystemTime: '2026-11-04T02:13:00.250Z'}}}, UserData: {EventXML: {Param1: 'admin01', Param2: 'CORP', Param3: '10.0.2.15'}}}},
			want: {ts: T, outcome: 'success', event_id: 1149, logon_type: 10, user: 'admin01', domain: 'CORP', src_ip: '10.0.2.15', target: 'PC01', service: 'rdp-1149'}},
		{name: 'LocalSessionManager 25 reconnection, User as DOMAIN\\user', raw: {Event: {System: {EventID: '25', Provider: {'#attributes': {Name: 'Microsoft-Windows-TerminalServices-LocalSessionManager'}}, Computer: 'PC02', TimeCreated: {'#attributes': {SystemTime: '2026-11-04T02:13:00.250Z'}}}, UserData: {EventXML: {User: 'CORP\\eve', SessionID: '3', Address: '10.0.0.9'}}}},
			want: {user: 'eve', domain: 'CORP', src_ip: '10.0.0.9', service: 'rdp-lsm', logon_type: 10}},
		{name: 'LocalSessionManager 21 from Address LOCAL is a console session, skipped', raw: {Event: {System: {EventID: '21', Provider: {'#attributes': {Name: 'Microsoft-Windows-TerminalServices-LocalSessionManager'}}, Computer: 'PC02', TimeCreated: {'#attributes': {SystemTime: '2026-11-04T02:13:00.250Z'}}}, UserData: {EventXML: {User: 'CORP\\eve', SessionID: '1', Address: 'LOCAL'}}}}, want: 'skip'},
		{name: '4776 is skipped (no host logged on to)', raw: {Event: {System: {EventID: '4776', Channel: 'Security', Computer: 'DC1', TimeCreated: {'#attributes': {SystemTime: '2026-11-04T02:13:00.250Z'}}}, EventData: {TargetUserName: 'bob', Workstation: 'WS1', Status: '0x0'}}}, want: 'skip'},
		{name: 'event 21 from another provider is not RDP', raw: {Event: {System: {EventID: '21', Channel: 'System', Computer: 'PC02', TimeCreated: {'#attributes': {SystemTime: '2026-11-04T02:13:00Z'}}}}}, want: 'skip'},
	]);
});

describe('windows-json: TerminalServices events in NXLog exports keep their fields in Message', () => {
	check(normalizeWindowsJson, [
		{name: '1149 from the message text', raw: {EventID: 1149, Channel: 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational', Hostname: 'WORKSTATION5.theshire.local', '@timestamp': '2026-11-04T02:13:00.250Z', Message: 'Remote Desktop Services: User authentication succeeded:\r\n\r\nUser: pgustavo\r\nDomain: theshire\r\nSource Network Address: 1.2.3.4'},
			want: {ts: T, user: 'pgustavo', domain: 'theshire', src_ip: '1.2.3.4', service: 'rdp-1149', target: 'WORKSTATION5.theshire.local'}},
	]);
});

describe('falcon', () => {
	check(normalizeFalcon, [
		{name: 'UserLogon with ContextTimeStamp in seconds', raw: {event_simpleName: 'UserLogon', ComputerName: 'SRV-DB01', ContextTimeStamp: '1793758380.250', LogonType: '3', TargetUserName: 'adm-snovak', LogonDomain: 'CORP', RemoteAddressIP4: '10.10.1.15', AuthenticationPackage: 'Kerberos', ClientComputerName: 'WS-0007'},
			want: {ts: 1_793_758_380_250, outcome: 'success', event_id: 4624, logon_type: 3, user: 'adm-snovak', domain: 'CORP', src_ip: '10.10.1.15', src_host: 'WS-0007', target: 'SRV-DB01', service: 'network', auth_package: 'Kerberos'}, timeField: /ContextTimeStamp/},
		{name: 'UserLogonFailed2 is a failure (4625); ContextTimeStamp in ms', raw: {event_simpleName: 'UserLogonFailed2', ComputerName: 'H', ContextTimeStamp: 1_793_758_380_250, LogonType: '10', UserName: 'bob', RemoteAddressIP4: '10.0.0.2'},
			want: {ts: 1_793_758_380_250, outcome: 'failure', event_id: 4625, user: 'bob', service: 'rdp'}},
		{name: 'timestamp (ms) when there is no ContextTimeStamp', raw: {event_simpleName: 'UserLogon', timestamp: '1604855121077', UserName: 'SYSTEM'}, want: {ts: 1_604_855_121_077}, timeField: /^timestamp$/},
		{name: 'TargetUserName preferred over UserName', raw: {event_simpleName: 'UserLogon', timestamp: 1, TargetUserName: 'a', UserName: 'b'}, want: {user: 'a'}},
		{name: 'DOMAIN\\user kept as written (the LogScale seed groups on the raw name)', raw: {event_simpleName: 'UserLogon', timestamp: 1, TargetUserName: 'CORP\\alice', LogonDomain: 'CORP'}, want: {user: 'CORP\\alice', domain: 'CORP'}},
		{name: 'user@domain kept as written; machine accounts keep their $', raw: {event_simpleName: 'UserLogon', timestamp: 1, UserName: 'WS01$@corp.example'}, want: {user: 'WS01$@corp.example', domain: null}},
		{name: 'event type from name when event_simpleName is missing', raw: {name: 'UserLogonV8', timestamp: '1604855121077', UserName: 'x'}, want: {outcome: 'success'}},
		{name: 'no RemoteAddressIP4 is a null source', raw: {event_simpleName: 'UserLogon', timestamp: '1604855121077'}, want: {src_ip: null, target: null}},
		{name: 'raw FDR (no ComputerName): the sensor id aid is the target, not its host name', raw: {event_simpleName: 'UserLogonFailed2', timestamp: '1604855121077', UserName: 'user5', aid: 'ffffffff8d2e4b4f9b21b40633a8d579'},
			want: {target: 'ffffffff8d2e4b4f9b21b40633a8d579', dst_host: null}},
		{name: 'ComputerName, when there, before aid', raw: {event_simpleName: 'UserLogon', timestamp: 1, ComputerName: 'SRV-DB01', aid: 'ffffffff8d2e4b4f9b21b40633a8d579'}, want: {target: 'SRV-DB01', dst_host: 'SRV-DB01'}},
		{name: 'UserLogoff is skipped', raw: {event_simpleName: 'UserLogoff', timestamp: '1604855121077'}, want: 'skip'},
		{name: 'UserLogonFailed (v1) is not what the seed reads: skipped', raw: {event_simpleName: 'UserLogonFailed', timestamp: '1604855121077'}, want: 'skip'},
		{name: 'a logon without any time is rejected', raw: {event_simpleName: 'UserLogon', UserName: 'x'}, want: 'reject'},
	]);
});

describe('qradar', () => {
	check(normalizeQradar, [
		{name: 'Ariel JSON row', raw: {starttime: 1_793_758_380_250, sourceip: '10.10.1.15', destinationip: '10.30.0.5', username: 'adm-snovak', eventid: 4624, LogonType: '3', logsourcetypename: 'Microsoft Windows Security Event Log'},
			want: {ts: 1_793_758_380_250, outcome: 'success', event_id: 4624, logon_type: 3, src_ip: '10.10.1.15', user: 'adm-snovak', target: '10.30.0.5', dst_ip: '10.30.0.5', dst_host: null, log_source_type: 'Microsoft Windows Security Event Log'}},
		{name: 'CSV row: every value a string; column names in other cases', raw: {StartTime: '1793758380250', SourceIP: '::ffff:10.0.0.1', DestinationIP: '10.0.0.2', UserName: 'CORP\\bob', EventID: '4625', 'Logon Type': '10', devicetype: 'Microsoft Windows Security Event Log'},
			want: {ts: 1_793_758_380_250, outcome: 'failure', src_ip: '10.0.0.1', user: 'CORP\\bob', logon_type: 10, log_source_type: 'Microsoft Windows Security Event Log'}},
		{name: 'a numeric devicetype is an id, not a name', raw: {starttime: '1', sourceip: 'a', eventid: '4624', devicetype: '12'}, want: {log_source_type: null}},
		{name: 'LOGSOURCETYPENAME(devicetype) as a column name', raw: {starttime: '1', eventid: '4624', 'LOGSOURCETYPENAME(devicetype)': 'Linux OS'}, want: {log_source_type: 'Linux OS'}},
		{name: 'other event ids skipped', raw: {starttime: '1', eventid: '4634'}, want: 'skip'},
		{name: 'a bad starttime is a reject', raw: {starttime: 'soon', eventid: '4624'}, want: 'reject'},
		{name: 'no eventid column is a reject', raw: {starttime: '1', sourceip: 'x'}, want: 'reject'},
	]);
});

function syslog(text: string, year = 2026, notAfter?: number): SyslogLine {
	return {text, year, notAfter};
}

describe('sshd', () => {
	check(normalizeSshd, [
		{name: 'Accepted publickey', raw: syslog('Nov  4 02:13:00 lnx-db01 sshd[1888]: Accepted publickey for svc-backup from 10.20.0.21 port 44030 ssh2: RSA SHA256:abc'),
			want: {ts: Date.parse('2026-11-04T02:13:00Z'), outcome: 'success', event_id: null, logon_type: 10, service: 'ssh', src_ip: '10.20.0.21', src_port: 44_030, user: 'svc-backup', target: 'lnx-db01', dst_host: 'lnx-db01', auth_package: 'publickey'}},
		{name: 'Failed password for invalid user', raw: syslog('Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2'),
			want: {ts: Date.parse('2026-12-10T06:55:48Z'), outcome: 'failure', user: 'webmaster', src_ip: '173.234.31.186'}},
		{name: 'an empty invalid user name', raw: syslog('Mar 30 15:00:01 h sshd[1]: Failed password for invalid user  from 1.2.3.4 port 22 ssh2'), want: {user: ''}},
		{name: 'keyboard-interactive/pam', raw: syslog('Mar 30 15:00:01 h sshd[1]: Accepted keyboard-interactive/pam for root from ::ffff:1.2.3.4 port 22 ssh2'), want: {auth_package: 'keyboard-interactive/pam', src_ip: '1.2.3.4'}},
		{name: 'classic time in --tz', tz: 'Europe/Berlin', raw: syslog('Nov  4 03:13:00 h sshd[1]: Accepted password for a from 1.2.3.4 port 22 ssh2'), want: {ts: Date.parse('2026-11-04T02:13:00Z')}},
		{name: 'a date after the file was written belongs to the year before', raw: syslog('Dec 31 23:00:00 h sshd[1]: Accepted password for a from 1.2.3.4 port 22 ssh2', 2026, Date.parse('2026-01-02T00:00:00Z')),
			want: {ts: Date.parse('2025-12-31T23:00:00Z')}},
		{name: 'rsyslog high-precision ISO time', raw: syslog('2026-11-04T03:13:00.250+01:00 lnx-db01 sshd[1888]: Accepted password for a from 1.2.3.4 port 22 ssh2'), want: {ts: T, target: 'lnx-db01'}},
		{name: 'journald short-iso', raw: syslog('2026-11-04T02:13:00+0000 h sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2'), want: {ts: Date.parse('2026-11-04T02:13:00Z'), outcome: 'failure'}},
		{name: 'sshd-session (OpenSSH 9.8+)', raw: syslog('Nov  4 02:13:00 h sshd-session[1]: Accepted password for a from 1.2.3.4 port 22 ssh2'), want: {user: 'a'}},
		{name: 'other sshd messages are skipped', raw: syslog('Nov  4 02:13:00 h sshd[1]: Connection closed by 1.2.3.4 port 22 [preauth]'), want: 'skip'},
		{name: 'other programs are skipped', raw: syslog('Nov  4 02:13:00 h CRON[1]: pam_unix(cron:session): session opened for user root'), want: 'skip'},
		{name: 'a line that is not syslog is skipped', raw: syslog('hello'), want: 'skip'},
		{name: 'a bad month is a reject', raw: syslog('Foo  4 02:13:00 h sshd[1]: Accepted password for a from 1.2.3.4 port 22 ssh2'), want: 'reject'},
	]);

	test('message repeated N times stands for N attempts', () => {
		const got = normalizeSshd(syslog('Mar 29 23:18:33 h sshd[6402]: message repeated 5 times: [ Failed password for root from 218.60.136.106 port 56338 ssh2]'), 1, {tz: 'UTC'});
		assert.equal(got.kind, 'logon');
		if (got.kind !== 'logon') return;
		assert.equal(got.repeat, 5);
		assert.equal(got.logon.user, 'root');
		assert.equal(got.logon.outcome, 'failure');
	});
});

describe('field helpers', () => {
	test('addresses', () => {
		assert.equal(address('::ffff:10.0.0.1'), '10.0.0.1');
		assert.equal(address('::FFFF:10.0.0.1'), '10.0.0.1');
		assert.equal(address('fe80::1'), 'fe80::1');
		assert.equal(address(' 10.0.0.1 '), '10.0.0.1');
		assert.equal(address(undefined), null);
	});

	test('accounts', () => {
		assert.deepEqual(account('CORP\\alice', null), {user: 'alice', domain: 'CORP'});
		assert.deepEqual(account('alice@corp.local', null), {user: 'alice', domain: 'corp.local'});
		assert.deepEqual(account('\\alice', null), {user: '\\alice', domain: null});
		assert.deepEqual(account('ANONYMOUS LOGON', 'NT AUTHORITY'), {user: 'ANONYMOUS LOGON', domain: 'NT AUTHORITY'});
	});

	test('epoch seconds vs ms: below 1e11 is seconds', () => {
		assert.equal(epochMs('1604855091.781'), 1_604_855_091_781);
		assert.equal(epochMs(99_999_999_999), 99_999_999_999_000);
		assert.equal(epochMs(100_000_000_000), 100_000_000_000);
		assert.equal(epochMs('1604855121077'), 1_604_855_121_077);
		assert.equal(epochMs('abc'), undefined);
		assert.equal(epochMs(-5), undefined);
	});
});
