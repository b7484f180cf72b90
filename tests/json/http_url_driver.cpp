// tests/json/http_url_driver.cpp: reads one hex-encoded input per line and prints what fa::HttpUrl makes of it (the
// URL, or "!type|msg"), for tests/json/http_url_cases.py --driver to hold against Pydantic. Not in the suite:
//   clang++ -std=c++20 -O1 -fsanitize=address,undefined -Iinclude tests/json/http_url_driver.cpp -o /tmp/url_driver
#include <iostream>
#include <string>

#include "fastapi/json/http_url.hpp"

namespace fa = fastapi;

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string in;
    for (size_t i = 0; i + 1 < line.size(); i += 2) in += static_cast<char>(std::stoi(line.substr(i, 2), nullptr, 16));
    fa::ScalarInput s;
    s.kind = fa::Json::Kind::string;
    s.text = in;
    fa::ConversionError e;
    auto u = fa::Scalar<fa::HttpUrl>::read(s, e);
    if (u) std::cout << u->str() << "\n";
    else std::cout << "!" << e.type << "|" << e.msg << "\n";
  }
}
