/**
 * An append-only text file written in large chunks. Events are written as they are generated,
 * so memory holds one day's events and one chunk, whatever the size of the dataset.
 */
import fs from 'node:fs';

const CHUNK = 1 << 20;

export class TextSink {
	private fd: number;
	private parts: string[] = [];
	private size = 0;
	/** Bytes written so far (UTF-8). */
	bytes = 0;

	constructor(readonly path: string) {
		this.fd = fs.openSync(path, 'w');
	}

	write(text: string): void {
		this.parts.push(text);
		this.size += text.length;
		if (this.size >= CHUNK) this.flush();
	}

	flush(): void {
		if (this.parts.length === 0) return;
		const buffer = Buffer.from(this.parts.join(''), 'utf8');
		// writeSync may write less than asked (it rarely does for files); loop until all is out.
		for (let done = 0; done < buffer.length;) done += fs.writeSync(this.fd, buffer, done);
		this.bytes += buffer.length;
		this.parts = [];
		this.size = 0;
	}

	close(): void {
		this.flush();
		fs.closeSync(this.fd);
	}
}
