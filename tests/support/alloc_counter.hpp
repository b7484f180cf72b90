// tests/support/alloc_counter.hpp: how many heap allocations this thread has made, for "allocates nothing" tests.
// alloc_counter.cpp replaces the global operator new/delete (every form) with counting versions that forward to
// malloc/free: linked once, into the test binary built without sanitizers only (CMake defines
// FASTAPI_TEST_ALLOC_COUNTER there; a replaced operator new would switch off part of ASan), and no other test
// file may replace operator new. A test that counts skips itself, visibly, where the counter is not linked:
// `TEST_CASE("... allocates nothing" * doctest::skip(!fastapi_test_alloc_counted)) { ... }`
#pragma once

#ifdef FASTAPI_TEST_ALLOC_COUNTER
/// True when alloc_counter.cpp is linked and fastapi_test_alloc_count() counts.
inline constexpr bool fastapi_test_alloc_counted = true;
/// Allocations made by the calling thread since it started (every operator new form counts one).
/// Read it before and after the code under test: `auto before = fastapi_test_alloc_count(); ...;
/// CHECK(fastapi_test_alloc_count() == before);`
long fastapi_test_alloc_count();
#else
inline constexpr bool fastapi_test_alloc_counted = false;
/// Not linked (a sanitized build): counts nothing; the tests that count are skipped.
inline long fastapi_test_alloc_count() { return 0; }
#endif
