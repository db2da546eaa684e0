// The HTTP request and response as the rest of sagebox sees them: plain values, no sockets.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sagebox::http {

struct Request {
  std::string method;  // "POST", "GET", ...
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, in arrival order
  std::string body;

  // The first value of a header (name in lowercase), or empty.
  std::string_view header(std::string_view lowercase_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lowercase_name) return value;
    }
    return {};
  }
  bool has_header(std::string_view lowercase_name) const {
    for (const auto& h : headers) {
      if (h.first == lowercase_name) return true;
    }
    return false;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace sagebox::http
