// An endpoint's stored record (endpoints.cpp's top comment) seen from outside endpoints.cpp: what a state import
// needs to check a record it did not make and to store it as CreateEndpoint and UpdateEndpoint would.
#pragma once

#include <cstdint>
#include <string>

#include "sagebox/json.hpp"
#include "sagebox/sagemaker/service.hpp"
#include "sagebox/store/resource_store.hpp"

namespace sagebox::sagemaker {

// Throws ApiError ValidationException "<where>.<member>: <what is wrong>" (such as "resources[2].document.Phase.End:
// must be at or after Phase.Start.") for a record that endpoints.cpp could not read, or whose Describe, during its
// phase or after it, would not be a valid DescribeEndpointOutput.
void check_endpoint_record(const Context& context, const Json& record, const std::string& where);

// The record as the store keeps it: the lifecycle columns and the document Describe answers once its phase is
// over, worked out from the record. REQUIRES: check_endpoint_record(record) passed.
store::Resource stored_endpoint(const Context& context, std::string name, std::int64_t creation_ms,
                                const Json& record);

}  // namespace sagebox::sagemaker
