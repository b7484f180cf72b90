// core/version.hpp: the library's version. Feeds everything; knows nothing.
#pragma once

#define FASTAPI_VERSION_MAJOR 0
#define FASTAPI_VERSION_MINOR 1
#define FASTAPI_VERSION_PATCH 0
#define FASTAPI_VERSION_STRING "0.1.0"

namespace fastapi {
/// The library version as "major.minor.patch".
inline constexpr const char* version = FASTAPI_VERSION_STRING;
}  // namespace fastapi
