/** The baseline worker's bundle: the hand-written workflows alone (Weft's worker bundles src/workflows). */
export { handChain, handDiamond, handFanOut, handLocalChain } from './handwritten.js';
export { handAgentLoop } from './hand-agent-loop.js';
