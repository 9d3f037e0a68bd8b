#!/usr/bin/env node
// Placeholder until the collector issue lands: says so and exits non-zero, so scripts notice.
process.stderr.write("hostwatch-collector: not yet available in this version\n");
process.exit(1);
