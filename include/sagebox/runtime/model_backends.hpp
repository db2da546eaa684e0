// ModelBackends: which container answers each model's invocations — set by --backend MODEL=URL at startup and by
// the admin API while running. A model with none is answered by a canned answer or the built-in echo.
#pragma once

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "sagebox/json.hpp"
#include "sagebox/runtime/container_client.hpp"

namespace sagebox::runtime {

class ModelBackends {
 public:
  // Model names compare case-insensitively, as SageMaker's do. Safe from any thread.
  void set(std::string_view model, ContainerUrl url);
  bool remove(std::string_view model);
  std::size_t clear();
  std::optional<ContainerUrl> find(std::string_view model) const;
  // {"backends": [{"model": name as set, "url": url}, …]} by model name.
  Json list() const;

 private:
  struct Entry {
    std::string model;
    ContainerUrl url;
  };
  mutable std::shared_mutex mutex_;
  std::map<std::string, Entry, std::less<>> by_lowercase_model_;
};

}  // namespace sagebox::runtime
