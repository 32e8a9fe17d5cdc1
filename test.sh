#!/usr/bin/env bash
# The whole test suite: a build with AddressSanitizer and UBSan, then every
# unit test (Criterion) and golden scenario through ctest.
set -euo pipefail
cd "$(dirname "$0")"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DIOMMUSIM_SANITIZE=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)" --timeout 300
