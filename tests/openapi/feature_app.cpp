// tests/openapi/feature_app.cpp: the feature app (feature_app.hpp) as a program, for the checks that run outside
// the test binary (scripts/openapi_checks.sh): the npm OpenAPI validator, the FastAPI twin comparison, the browser.
//   feature_app [--port N] [--host H] [--assets DIR] [--problem-details]
// --assets DIR: DIR is a node_modules holding swagger-ui-dist and redoc (DocsAssets::directory); the docs pages
// then load them from this app (/docs-assets/...) instead of the CDN. --problem-details: 422s are answered (and documented) as a Problem.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/app/app.hpp"
#include "openapi/feature_app.hpp"

namespace fa = fastapi;

int main(int argc, char** argv) {
  std::string assets_dir;
  bool problem_details = false;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--assets" && i + 1 < argc) assets_dir = argv[++i];
    else if (arg == "--problem-details") problem_details = true;
    else rest.push_back(argv[i]);
  }
  try {
    fa::AppOptions options = openapi_feature_app::options();
    if (!assets_dir.empty()) options.docs_assets = {.directory = assets_dir};  // served by the app (StaticFiles)
    fa::App app{options};
    openapi_feature_app::add_routes(app, problem_details);
    return app.run(static_cast<int>(rest.size()), rest.data());
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
