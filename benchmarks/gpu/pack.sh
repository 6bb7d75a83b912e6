#!/usr/bin/env bash
# Packs this benchmark for the GPU machine into .device/ (see README.md):
#   bash benchmarks/gpu/pack.sh            then, on the GPU machine:  bash .device/run.sh [options]
# It builds what the bundle needs and calls the shared pack.sh with the Dawn addon findable.
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
pack=${BCNMF_DEVICE_PACK:-$root/../shared/device/pack.sh}
# core imports @bcnmf/backend-cpu by name; esbuild (no "source" condition) takes its dist/
(cd packages/backend-cpu && npx tsc -p tsconfig.build.json)
# pack.sh looks for the npm package 'webgpu' from the repository root; under pnpm it sits in this package's node_modules
NODE_PATH=$root/packages/backend-webgpu/node_modules bash "$pack" benchmarks/gpu/bench.ts benchmarks/gpu/torch_reference.py
[[ -f .device/dawn.node.xz ]] || { echo "pack: the Dawn addon (npm 'webgpu') was not packed" >&2; exit 1; }
