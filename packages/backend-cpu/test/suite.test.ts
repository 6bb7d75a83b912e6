// Core's shared backend suite on this package's two backends, as every backend runs it.
import '../src/index.js';
import { describeBackendSuite } from '@bcnmf/core/testing';

describeBackendSuite('cpu');
describeBackendSuite('wasm');
