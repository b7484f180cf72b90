// tests/openapi/feature_app.cpp: the feature app (feature_app.hpp) as a program, for the checks that run outside
// the test binary (scripts/openapi_checks.sh): the npm OpenAPI validator, the FastAPI twin comparison, the browser.
//   feature_app [--port N] [--host H] [--assets DIR] [--problem-details]
// --assets DIR: DIR is a node_modules holding swagger-ui-dist and redoc; the docs pages then load them from this
// app (/static/...) instead of the CDN. --problem-details: 422s are answered (and documented) as a Problem.
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/app/app.hpp"
#include "openapi/feature_app.hpp"

namespace fa = fastapi;

namespace {

struct StaticFile {
  std::string body;
  std::string media_type;
};

/// The few files the docs pages need, read once; any other name is a 404 (no path is built from the request).
std::map<std::string, StaticFile, std::less<>> read_assets(const std::string& dir) {
  const std::vector<std::vector<std::string>> files = {
      {"swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui-bundle.js", "application/javascript"},
      {"swagger-ui.css", "swagger-ui-dist/swagger-ui.css", "text/css"},
      {"favicon.png", "swagger-ui-dist/favicon-32x32.png", "image/png"},
      {"redoc.standalone.js", "redoc/bundles/redoc.standalone.js", "application/javascript"},
  };
  std::map<std::string, StaticFile, std::less<>> out;
  for (const auto& f : files) {
    std::ifstream in(dir + "/" + f[1], std::ios::binary);
    if (!in)
      throw std::runtime_error("feature_app: cannot read " + dir + "/" + f[1] + " (run npm install in tests/openapi)");
    out[f[0]] = StaticFile{std::string(std::istreambuf_iterator<char>(in), {}), f[2]};
  }
  return out;
}

}  // namespace

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
    fa::App app{openapi_feature_app::options(!assets_dir.empty())};
    openapi_feature_app::add_routes(app, problem_details);
    if (!assets_dir.empty()) {
      auto files = std::make_shared<const std::map<std::string, StaticFile, std::less<>>>(read_assets(assets_dir));
      app.get("/static/{name}",
              [files](fa::Path<"name", std::string> name) {
                auto it = files->find(*name);
                if (it == files->end()) throw fa::HTTPException{404, "Not Found"};
                fa::Response res{.body = it->second.body};
                res.set_media_type(it->second.media_type);
                return res;
              },
              {.include_in_schema = false});
    }
    return app.run(static_cast<int>(rest.size()), rest.data());
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
