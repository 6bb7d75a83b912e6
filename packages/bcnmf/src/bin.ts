#!/usr/bin/env node
// The `bcnmf` command: every backend of the Node entry registered, then the CLI.
import './node.js';
import { runCommandLine } from '@bcnmf/cli';

await runCommandLine();
