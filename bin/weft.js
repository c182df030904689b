#!/usr/bin/env node
// The built CLI (npm run build); during development use `npm run weft -- <command>`.
import '../dist/cli/main.js';
