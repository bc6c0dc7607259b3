// Vite empties dist/ on every build; put back the empty dist/.keep that the
// Go side's `//go:embed all:dist` needs in a checkout that never built.
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

writeFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', '.keep'), '');
