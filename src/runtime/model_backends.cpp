// ModelBackends (model_backends.hpp).
#include "sagebox/runtime/model_backends.hpp"

#include <mutex>

#include "sagebox/store/resource_store.hpp"

namespace sagebox::runtime {

void ModelBackends::set(std::string_view model, ContainerUrl url) {
  std::unique_lock lock(mutex_);
  by_lowercase_model_.insert_or_assign(store::lowercase(model), Entry{std::string(model), std::move(url)});
}

bool ModelBackends::remove(std::string_view model) {
  std::unique_lock lock(mutex_);
  return by_lowercase_model_.erase(store::lowercase(model)) > 0;
}

std::size_t ModelBackends::clear() {
  std::unique_lock lock(mutex_);
  return std::exchange(by_lowercase_model_, {}).size();
}

std::optional<ContainerUrl> ModelBackends::find(std::string_view model) const {
  std::shared_lock lock(mutex_);
  if (by_lowercase_model_.empty()) return std::nullopt;
  const auto it = by_lowercase_model_.find(store::lowercase(model));
  if (it == by_lowercase_model_.end()) return std::nullopt;
  return it->second.url;
}

Json ModelBackends::list() const {
  std::shared_lock lock(mutex_);
  Json backends = Json::array();
  for (const auto& [key, entry] : by_lowercase_model_) {
    backends.push_back({{"model", entry.model}, {"url", entry.url.text}});
  }
  return {{"backends", std::move(backends)}};
}

}  // namespace sagebox::runtime
