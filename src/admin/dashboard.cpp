#include "sagebox/admin/dashboard.hpp"

#include <algorithm>
#include <string>

namespace sagebox::admin {

const DashboardFile* dashboard_file(std::string_view name) {
  const std::span<const DashboardFile> files = dashboard_files();
  const auto it = std::find_if(files.begin(), files.end(), [name](const DashboardFile& f) { return f.name == name; });
  return it == files.end() ? nullptr : &*it;
}

http::Response dashboard_response(const DashboardFile& file) {
  http::Response response;
  response.content_type = std::string(file.content_type);
  response.headers.emplace_back("Cache-Control", "no-cache");
  // Everything the page loads or calls is on this server: no CDN, no inline script, no frames around it.
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.body = std::string(file.body);
  return response;
}

}  // namespace sagebox::admin
