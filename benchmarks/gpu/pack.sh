#!/usr/bin/env bash
# Packs this benchmark for the GPU machine into .device/ (see README.md):
#   bash benchmarks/gpu/pack.sh            then, on the GPU machine:  bash .device/run.sh [options]
# The shared pack.sh bundles without the "source" export condition, so @bcnmf/core (which
# @bcnmf/backend-webgpu imports by name) would come from an unbuilt dist/, or be bundled
# twice beside the sources bench.ts imports. So bench.ts is first bundled here with
# --conditions=source (every workspace package from its sources, once, as under tsx), and
# that bundle is what the shared pack.sh packs, with the Dawn addon findable.
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
pack=${BCNMF_DEVICE_PACK:-$root/../shared/device/pack.sh}
staging=$(mktemp -d); trap 'rm -rf "$staging"' EXIT
npx -y esbuild@0.25.0 benchmarks/gpu/bench.ts --bundle --platform=node --format=esm --target=node20 \
  --conditions=source --external:webgpu --outfile="$staging/bench.mjs" --log-level=warning
# pack.sh looks for the npm package 'webgpu' from the repository root; under pnpm it sits in this package's node_modules
NODE_PATH=$root/packages/backend-webgpu/node_modules bash "$pack" "$staging/bench.mjs" benchmarks/gpu/torch_reference.py
[[ -f .device/dawn.node.xz ]] || { echo "pack: the Dawn addon (npm 'webgpu') was not packed" >&2; exit 1; }
