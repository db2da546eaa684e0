// The dashboard's files as compiled in (cmake/embed_dashboard.cmake): each file of src/admin/dashboard/, byte for
// byte, with the Content-Type of its extension.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "sagebox/admin/dashboard.hpp"

namespace sagebox::admin {
namespace {

const std::filesystem::path kSources = std::filesystem::path(SAGEBOX_TEST_DATA_DIR) / ".." / ".." / "src" / "admin" / "dashboard";

std::string contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Dashboard, EveryFileIsEmbeddedByteForByte) {
  std::set<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(kSources)) {
    const std::string name = entry.path().filename().string();
    on_disk.insert(name);
    const DashboardFile* file = dashboard_file(name);
    ASSERT_NE(file, nullptr) << name;
    EXPECT_EQ(file->body, contents(entry.path())) << name;
  }
  std::set<std::string> embedded;
  for (const DashboardFile& file : dashboard_files()) embedded.insert(std::string(file.name));
  EXPECT_EQ(embedded, on_disk);
  EXPECT_TRUE(on_disk.contains("index.html"));
}

TEST(Dashboard, ContentTypesFollowTheExtension) {
  EXPECT_EQ(dashboard_file("index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(dashboard_file("dashboard.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(dashboard_file("dashboard.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(dashboard_file("nope.js"), nullptr);
  EXPECT_EQ(dashboard_file(""), nullptr);
}

TEST(Dashboard, TheAnswerKeepsThePageToItsOwnServer) {
  const http::Response response = dashboard_response(*dashboard_file("index.html"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  bool policy = false;
  for (const auto& [name, value] : response.headers) {
    if (name == "Content-Security-Policy") policy = value.starts_with("default-src 'self'");
  }
  EXPECT_TRUE(policy);
}

}  // namespace
}  // namespace sagebox::admin
