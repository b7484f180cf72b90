// tests/main.cpp: the only DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN of the suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
