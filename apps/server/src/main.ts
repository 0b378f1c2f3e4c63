/** `mpqemu studio` as it ships (compiled to apps/server/dist/main.js): the built web app. */
import { runStudio } from './studio.ts';

await runStudio();
