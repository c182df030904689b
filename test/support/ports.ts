/** Test code picks ports the way Weft does. */
export { freePort } from '../../src/runtime/free-port.js';
