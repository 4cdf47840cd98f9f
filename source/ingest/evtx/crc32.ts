/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum EVTX uses for the file
 * header, each chunk header and each chunk's event-record area. Written here rather than taken
 * from node:zlib because zlib.crc32 only exists from Node 20.15 / 22.2.
 */

const TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}

	return table;
})();

/** Continues a CRC-32 over `bytes[start, end)`; pass the previous result to chain ranges. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
	let c = (previous ^ 0xffffffff) >>> 0;
	for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
