/**
 * What every output writer shares: it takes events in time order, writes them in its format,
 * and counts what a reader will see (logon records, and other events it skips).
 */
import type {SshEvent, WinEvent} from './events.ts';

/** A written file as the ground truth lists it. */
export interface FileCounts {
	/** File name inside the output folder. */
	file: string;
	/** The reader format that loads it (SPEC section 3). */
	format: 'windows-json' | 'falcon' | 'qradar' | 'sshd';
	/** Logon events written: what loading the file gives as records. */
	records: number;
	/** Well-formed non-logon events or lines written: what a reader counts as skipped. */
	skipped: number;
}

export interface EventWriter<E> {
	/** Writes one event (events arrive sorted by time). */
	write(event: E): void;
	/** Finishes the file and returns its counts. */
	close(): FileCounts;
}

export type WindowsWriter = EventWriter<WinEvent>;
export type LinuxWriter = EventWriter<SshEvent>;

/** NTSTATUS codes of a 4625, as Windows writes them (hex) and Falcon (decimal). */
export const FAILURE_STATUS = {
	'bad-password': {status: 0xc000006d, sub: 0xc000006a},
	'no-such-user': {status: 0xc000006d, sub: 0xc0000064},
} as const;

/** `0xc000006d` as the Security log writes it. */
export function hexStatus(code: number): string {
	return `0x${code.toString(16)}`;
}
