/**
 * The terminal's size, following resizes. A fixed size (tests, or a caller that knows better)
 * wins over the terminal's.
 */
import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

export interface Size {
	width: number;
	height: number;
}

export function useTerminalSize(fixed?: Partial<Size>): Size {
	const {stdout} = useStdout();
	const read = (): Size => ({
		width: Math.max(20, fixed?.width ?? stdout.columns ?? 80),
		height: Math.max(8, fixed?.height ?? stdout.rows ?? 24),
	});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed?.width !== undefined && fixed.height !== undefined) return undefined;
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [stdout, fixed?.width, fixed?.height]);
	return fixed?.width !== undefined && fixed.height !== undefined ? read() : size;
}
