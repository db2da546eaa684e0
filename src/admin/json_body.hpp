// JSON from a request body or a file, parsed with a depth limit of its own for each kind of document.
#pragma once

#include <string>
#include <string_view>

#include "sagebox/json.hpp"

namespace sagebox::admin {

// `text` as JSON nesting at most `max_depth` levels. A deeper document is refused before it is built: a value
// is torn down by recursion, one level per nesting. Throws ApiError ValidationException `too_deep` for that, and
// SerializationException "The request body is not valid JSON." for text that is not JSON.
Json parse_json(std::string_view text, int max_depth, const std::string& too_deep);

}  // namespace sagebox::admin
