// State documents from outside sagebox: the body of POST /_sagebox/state and the file of --seed, read alike.
// The document's format and its checks are the sagemaker stage's (Service::export_state, import_state).
#pragma once

#include <string>
#include <string_view>

#include "sagebox/json.hpp"
#include "sagebox/sagemaker/service.hpp"

namespace sagebox::admin {

// How deep a state document may nest. The deepest that an export makes is about ten levels (an endpoint's
// record: resources, resource, document, Pending, ProductionVariants, variant, ManagedInstanceScaling, …); a
// deeper one is refused before it is built.
inline constexpr int kStateDepth = 64;

// `text` as a state document's JSON. Throws ApiError SerializationException when it is not JSON, and
// ValidationException when it nests deeper than kStateDepth.
Json parse_state(std::string_view text);

// --seed: when the store holds no resource at all, replaces the (empty) state with the file's, checked as
// POST /_sagebox/state checks it. Returns true when it did; false, changing nothing, when there were resources.
// Throws std::runtime_error "seed file <path>: <what is wrong>" (as import_state says it) when the file cannot be read or is not a valid
// state document.
bool load_seed(sagemaker::Service& service, const std::string& path);

}  // namespace sagebox::admin
