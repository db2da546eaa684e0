// The JSON value used across sagebox. Ordered, because AWS serializes members in model order and
// sagebox echoes documents in that order.
#pragma once

#include <nlohmann/json.hpp>

namespace sagebox {

using Json = nlohmann::ordered_json;

}  // namespace sagebox
