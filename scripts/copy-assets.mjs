// Copies the non-TypeScript files the library reads at run time (SQL
// migrations) next to the compiled modules in dist/.
import { cpSync } from 'node:fs';

cpSync('src/storage/migrations', 'dist/storage/migrations', { recursive: true });
