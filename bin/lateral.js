#!/usr/bin/env node
// Entry point for `npx lateral` and `npm start`: registers the TypeScript loader, then runs the CLI.
import {register} from 'tsx/esm/api';

// Ink paints only its last frame, at exit, when CI or CONTINUOUS_INTEGRATION is set (is-in-ci). On a
// terminal a person is at the keys, so the console must paint every frame whatever the environment says.
if (process.stdout.isTTY) {
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
}

register();
await import('../source/cli.tsx');
