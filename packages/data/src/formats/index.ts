// File formats on disk (Node), re-exported by the Node entry (src/index.ts). The readers
// on text and bytes, which run anywhere, are listed in the browser entry (src/browser.ts).
export { readDelimited, readDelimitedLayout } from './delimited.js';
export { readTenx } from './tenx.js';
export type { ReadTenxOptions, TenxData } from './tenx.js';
export { addResultsToH5ad, h5adColumnNameProblem, readH5ad, writeH5ad } from './h5ad.js';
export { h5adResultsKeyClashes } from './h5ad-results-key.js';
export type { BcnmfResults, H5adColumnInput, UnsValue, WriteH5adInput } from './h5ad.js';
export { forEachLine, textChunks, textLines } from './text-stream.js';
export { writeAtomically } from './atomic-write.js';
export { filesUnder, isWithin, realPathOrResolved } from './paths.js';
