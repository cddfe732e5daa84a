#!/usr/bin/env node
// The `rewatch` command: runs the TypeScript CLI through tsx so that the installed package needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/index.ts');
