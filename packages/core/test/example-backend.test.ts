// docs/CONTRIBUTING.md's example backend, registered from the page as written, runs the
// same shared suite every real backend runs: the contributor path is tested.
import { importTestedBlock } from '../../../scripts/lib/doc-blocks.js';
import { describeBackendSuite } from '../src/testing/index.js';

await importTestedBlock('docs/CONTRIBUTING.md', 'packages/core/test/example-backend.test.ts', 'packages/core/test/example-backend.doc-example.ts');
describeBackendSuite('js-loops');
