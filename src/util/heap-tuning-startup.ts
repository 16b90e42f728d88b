/**
 * Imported first by main.ts, for its side effect: pins the young generation before the other
 * modules load (their loading alone would grow it). See heap-tuning.ts.
 */
import { pinYoungGeneration } from './heap-tuning.js';

pinYoungGeneration();
