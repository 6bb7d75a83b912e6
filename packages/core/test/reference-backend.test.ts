// The shared backend suite on core's own reference backend ('cpu' on tfjs's JavaScript
// kernels with plainOps), as every backend package runs it on its own backends.
import { describeBackendSuite } from '../src/testing/index.js';

describeBackendSuite('cpu');
