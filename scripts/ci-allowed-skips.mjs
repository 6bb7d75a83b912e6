// The skips a CI run accepts. CI (.ci/run) installs every Debian package the tests need
// and has ../shared/datasets, so any other skip there means a suite was silently not run:
// scripts/run-tests.mjs fails a CI run (CI=true) that has one. Each entry says why CI
// cannot run those tests; add one only for a reason CI can never meet.

/** @type {{ reason: RegExp, why: string }[]} */
export const CI_ALLOWED_SKIPS = [
  {
    reason: /^the cuda backend cannot run here: /,
    why: 'the cuda backend needs @tensorflow/tfjs-node-gpu with CUDA libraries and an NVIDIA GPU, which the CI machine does not have',
  },
];

/** The skips (from scripts/count-reporter.mjs) that no entry of {@link CI_ALLOWED_SKIPS} allows. */
export function disallowedSkips(skips, allowed = CI_ALLOWED_SKIPS) {
  return skips.filter((s) => !allowed.some((a) => a.reason.test(s.reason)));
}
