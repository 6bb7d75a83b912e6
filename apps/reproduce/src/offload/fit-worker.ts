// A child process of {@link FitPool}: runs the PCA and cPCA fits it is sent (with their
// data), one at a time, and sends each result (or its error) back. Uses @bcnmf/baselines
// only: no bcNMF backend to register, and not @bcnmf/data (h5wasm alone is ~600 MB of RSS).
import { runFitJob, type FitJob } from './fit-job.js';

process.on('message', (message: { id: number; job: FitJob }) => {
  runFitJob(message.job).then(
    (result) => process.send!({ id: message.id, ok: true, result }),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
});
// the parent is gone (or closed the pool): stop after the fit at hand
process.on('disconnect', () => process.exit(0));
