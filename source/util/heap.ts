/**
 * Holding a long loop's heap near what it keeps alive. V8 lets the heap grow to about twice what
 * was live at its last full collection before it collects again; a loop that keeps a large live
 * set (a bulk load's running totals) and receives many short-lived messages that outlive the young
 * generation (the parser thread's batches, queued) would otherwise carry hundreds of MB of
 * garbage. HeapCeiling collects in full once the heap has grown `slackMb` past what was live
 * after the last collection.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | undefined;

/** V8's full collection, exposed once (the process need not start with --expose-gc). */
function fullCollection(): () => void {
	if (!collect) {
		v8.setFlagsFromString('--expose-gc');
		collect = vm.runInNewContext('gc') as () => void;
	}

	return collect;
}

export class HeapCeiling {
	private live = v8.getHeapStatistics().used_heap_size;

	constructor(private readonly slackMb: number) {}

	/**
	 * Collects when the heap has grown past the slack; call between units of work. Returns the MB
	 * live after a collection, undefined when there was none.
	 */
	check(): number | undefined {
		if (v8.getHeapStatistics().used_heap_size - this.live < this.slackMb * 1024 * 1024) return undefined;
		fullCollection()();
		this.live = v8.getHeapStatistics().used_heap_size;
		return this.live / (1024 * 1024);
	}
}
