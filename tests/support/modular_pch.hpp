// tests/support/modular_pch.hpp: the precompiled header of fastapi_tests_modular when clang++ builds it (the
// sanitized tree of scripts/test.sh; CMakeLists.txt says how). It holds what the test files include: the whole
// library (the umbrella, the TestClient with it), doctest, and the helpers of tests/support/ most of them use.
// Built with -fpch-instantiate-templates -fpch-codegen, its object holds every inline function and template
// instantiation of these headers once, and the test batches that use it emit none of them again (under ASan
// that was 13-30 s of CPU of each batch of 24 files: docs/testing.md, session 13).
// It comes before a file's first line, so a test's own #define cannot change these headers: every file sees them
// configured by the target's definitions only, as the PCH was (TUTORIAL_NO_MAIN, the one macro tests define, is
// read by the tutorial's programs, not by these headers).
#pragma once

#include <doctest/doctest.h>

#include "fastapi.hpp"
#include "support/exchange.hpp"
#include "support/log_capture.hpp"
#include "support/process.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"
