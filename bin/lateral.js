#!/usr/bin/env node
// Entry point for `npx lateral` and `npm start`: registers the TypeScript loader, then runs the CLI.
import {register} from 'tsx/esm/api';

register();
await import('../source/cli.tsx');
