#!/usr/bin/env bash
# scripts/demo.sh: quick-start command 1. Installs what is missing, builds examples/01_hello.cpp against
# the single header fastapi.hpp, and runs it on http://127.0.0.1:8000 (extra arguments go to the app).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
mkdir -p build/demo
g++ -std=c++20 -O2 -I. examples/01_hello.cpp -o build/demo/01_hello -lsimdjson -pthread
exec ./build/demo/01_hello "$@"
