/**
 * lanl: the `auth.txt` of LANL's "Comprehensive, Multi-Source Cyber-Security Events" (A. D. Kent,
 * 2015): CSV without a header, nine fields
 * `time,src_user@domain,dst_user@domain,src_computer,dst_computer,auth_type,logon_type,orientation,result`,
 * e.g. `151036,U748@DOM1,U748@DOM1,C17693,C305,NTLM,Network,LogOn,Success`. `time` counts seconds
 * from the start of the collection; `--epoch ISO` says what instant second 0 is (default
 * 1970-01-01T00:00:00Z). Unknown values are `?` in the data.
 *
 * Only `LogOn` rows are logons (SPEC 3); LogOff, TGT, TGS and AuthMap rows are skipped. Mapping:
 * user/domain = dst_user@domain split at its last `@` (the account used on the destination, so a
 * machine account `C586$@DOM1` ends in `$` as the profiles expect); src_host = src_computer and,
 * as LANL has no addresses, src_ip = src_computer too, so the profiles (grouped by source
 * address) group by source computer; target = dst_host = dst_computer; auth_package = auth_type;
 * logon_type from its name (Network 3, RemoteInteractive 10, ...; `?` is null); outcome from
 * result (Success / Fail). event_id stays null: LANL does not say which Windows event a row was.
 */
import {readCsvRows} from './csv.ts';
import {account, serviceForLogonType} from './fields.ts';
import type {Format, Logon, Normalized, RawRecord, ReadOptions} from './types.ts';

/** Windows logon type names (as LANL and Windows' own documentation spell them) to numbers. */
export const LOGON_TYPE_NAMES: Readonly<Record<string, number>> = {
	interactive: 2,
	network: 3,
	batch: 4,
	service: 5,
	unlock: 7,
	networkcleartext: 8,
	newcredentials: 9,
	remoteinteractive: 10,
	cachedinteractive: 11,
	cachedremoteinteractive: 12,
	cachedunlock: 13,
};

/** A logon type written as a number or a name (`Network`, `RemoteInteractive`...); null when unknown. */
export function logonTypeOf(value: string): number | null | undefined {
	const t = value.trim();
	if (t === '' || t === '?' || t === '-') return null;
	if (/^\d+$/.test(t)) return Number(t);
	return LOGON_TYPE_NAMES[t.toLowerCase().replace(/[\s_-]/g, '')];
}

const FIELDS = ['time', 'src_user@domain', 'dst_user@domain', 'src_computer', 'dst_computer', 'auth_type', 'logon_type', 'orientation', 'result'];
const ORIENTATIONS = ['logon', 'logoff', 'tgt', 'tgs', 'authmap'];

/** One line of auth.txt, shaped as telltale as the sniffer needs (orientation and result vocabularies). */
const LINE = /^\d+,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,(LogOn|LogOff|TGT|TGS|AuthMap),(Success|Fail)$/;

/** Pure: the nine fields of one auth.txt row to a logon, a skip or a reject. */
export function normalizeLanl(raw: unknown, line: number, options: Pick<ReadOptions, 'epoch'>): Normalized {
	if (!Array.isArray(raw) || !raw.every(f => typeof f === 'string')) return {kind: 'reject', reason: 'not a row of fields'};
	const fields = raw as string[];
	if (fields.length !== FIELDS.length) return {kind: 'reject', reason: `expected 9 fields (${FIELDS.join(',')}), found ${fields.length}`};
	const [time, , dstUser, srcComputer, dstComputer, authType, logonTypeText, orientation, result] = fields as [string, string, string, string, string, string, string, string, string];

	if (!/^\d+$/.test(time.trim())) return {kind: 'reject', reason: `time "${time}" is not a whole number of seconds`};
	const o = orientation.trim().toLowerCase();
	if (!ORIENTATIONS.includes(o)) return {kind: 'reject', reason: `orientation "${orientation}" is not LogOn, LogOff, TGT, TGS or AuthMap`};
	const r = result.trim().toLowerCase();
	const outcome = r === 'success' ? 'success' : r === 'fail' || r === 'failure' ? 'failure' : undefined;
	if (!outcome) return {kind: 'reject', reason: `result "${result}" is not Success or Fail`};
	if (o !== 'logon') return {kind: 'skip', reason: `orientation ${orientation.trim()}`};
	const logonType = logonTypeOf(logonTypeText);
	if (logonType === undefined) return {kind: 'reject', reason: `logon type "${logonTypeText}" is not a Windows logon type`};

	const who = account(dstUser, null);
	const logon: Logon = {
		ts: (options.epoch ?? 0) + Number(time.trim()) * 1000,
		outcome,
		event_id: null,
		logon_type: logonType,
		src_ip: srcComputer,
		src_port: null,
		src_host: srcComputer,
		user: who.user,
		domain: who.domain,
		target: dstComputer,
		dst_host: dstComputer,
		dst_ip: null,
		service: serviceForLogonType(logonType),
		auth_package: authType,
		log_source_type: null,
		raw_ref: line,
	};
	return {kind: 'logon', logon, timeField: `time (seconds after ${new Date(options.epoch ?? 0).toISOString()})`};
}

async function * readLanl(file: string): AsyncGenerator<RawRecord> {
	for await (const row of readCsvRows(file)) {
		if (row.error) yield {line: row.line, error: row.error};
		else yield {line: row.line, value: row.fields};
	}
}

export const lanlFormat: Format = {
	name: 'lanl',
	sniff(head, bytes) {
		// Whole lines only (a full 64 KiB head may end mid-line): of the first ten, all have the
		// auth.txt shape but at most one, when there are three or more, that starts as a row does (a
		// damaged row, which the load then rejects by its line; not a header row).
		const all = head.split(/\r?\n/);
		const lines = (bytes.length >= 64 * 1024 ? all.slice(0, -1) : all).filter(l => l.trim() !== '').slice(0, 10);
		const bad = lines.filter(l => !LINE.test(l));
		return lines.length > 0 && bad.length <= (lines.length >= 3 ? 1 : 0) && bad.every(l => /^\d+,/.test(l));
	},
	read: file => readLanl(file),
	normalize: normalizeLanl,
};
