#include "sagebox/schema/partitions.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "regex.hpp"
#include "sagebox/json.hpp"
#include "text.hpp"

namespace sagebox::schema {
namespace {

// The SDKs' answer when no partition claims a region.
constexpr std::string_view kDefaultPartition = "aws";

struct Partition {
  std::string id;
  std::unique_ptr<Regex> region_regex;
};

struct Table {
  std::vector<Partition> partitions;  // in the file's order, which is the order the regexes are tried in
  std::map<std::string, std::size_t, std::less<>> region_owner;  // region name → index in `partitions`
};

Table load(const Json& document) {
  Table table;
  for (const Json& entry : document.at("partitions")) {
    const std::size_t index = table.partitions.size();
    // The regexes carry their own ^...$, so Regex's whole-subject match answers as the SDKs' search does.
    table.partitions.push_back({entry.at("id").get<std::string>(),
                                std::make_unique<Regex>(entry.at("regionRegex").get<std::string>())});
    for (const Json& region : entry.at("regions"))
      table.region_owner.emplace(region.get<std::string>(), index);
  }
  return table;
}

const Table& table() {
  static const Table loaded = [] {
    try {
      return load(Json::parse(embedded_partitions_text()));
    } catch (const Json::exception& e) {
      throw std::runtime_error(std::string("partitions: malformed table: ") + e.what());
    }
  }();
  return loaded;
}

}  // namespace

std::string_view partition_of(std::string_view region) {
  const Table& partitions = table();
  if (auto it = partitions.region_owner.find(region); it != partitions.region_owner.end()) {
    return partitions.partitions[it->second].id;
  }
  // Regex requires UTF-8 subjects, and text that is not UTF-8 is no region's name.
  if (!is_valid_utf8(region)) return kDefaultPartition;
  for (const Partition& partition : partitions.partitions) {
    if (partition.region_regex->matches(region)) return partition.id;
  }
  return kDefaultPartition;
}

}  // namespace sagebox::schema
