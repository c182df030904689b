/** The benchmark worker's bundle: Weft's interpreter and the hand-written baselines. */
export { weftRun } from '../../src/workflows/index.js';
export { handChain, handDiamond, handFanOut, handLocalChain } from './handwritten.js';
