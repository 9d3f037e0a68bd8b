#!/usr/bin/env node
// Placeholder until the visualize issue lands: says so and exits non-zero, so scripts notice.
process.stderr.write("hostwatch-visualize: not yet available in this version\n");
process.exit(1);
