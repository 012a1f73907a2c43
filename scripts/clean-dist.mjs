// Empties dist/ before a build: the compiler and copy-assets.mjs only add and
// overwrite, so a renamed migration (or module) would otherwise stay beside
// its new name, and two migrations with one number stop the library loading.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
