// The dashboard: one page of plain HTML, CSS and JavaScript, compiled into the binary (cmake/embed_dashboard.cmake
// embeds src/admin/dashboard/), so that it works offline and needs nothing beside the binary.
//
//   GET /_sagebox/              the page (index.html)
//   GET /_sagebox/ui/{file}     its other files; 404 UnknownOperationException for a name it does not have
//
// The page holds no data: it is served without the admin token, reads everything it shows from the admin API
// as a script would (resources, requests, faults, lifecycle), and in strict mode asks for the token and sends it
// in X-Sagebox-Admin-Token. A Content-Security-Policy of 'self' keeps it from loading anything from elsewhere.
#pragma once

#include <span>
#include <string_view>

#include "sagebox/http/message.hpp"

namespace sagebox::admin {

struct DashboardFile {
  std::string_view name;  // file name in src/admin/dashboard/
  std::string_view content_type;
  std::string_view body;
};

// Every file of the page (generated at build time).
std::span<const DashboardFile> dashboard_files();

// The file called `name`, or nullptr.
const DashboardFile* dashboard_file(std::string_view name);

// `file` as a 200 answer: its Content-Type, no caching (the page changes with the binary), and the
// Content-Security-Policy.
http::Response dashboard_response(const DashboardFile& file);

}  // namespace sagebox::admin
