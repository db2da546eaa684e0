// The JSON value used across sagebox. Ordered, because AWS serializes members in model order and
// sagebox echoes documents in that order.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace sagebox {

using Json = nlohmann::ordered_json;

// A JSON document already in its serialized form, such as one read back from the store: passed on as text rather
// than parsed only to be printed again.
struct SerializedJson {
  std::string text;
};

}  // namespace sagebox
