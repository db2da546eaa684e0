// What the hosting resources (models, endpoint configurations, endpoints) have in common: ARNs, SageMaker's
// exact "already exists" and "could not find" messages, the stored echo of Create, and Describe/Delete.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sagebox/error.hpp"
#include "sagebox/identity/caller.hpp"
#include "sagebox/json.hpp"
#include "sagebox/sagemaker/service.hpp"

namespace sagebox::sagemaker {

struct ResourceKind {
  std::string_view operation_noun;   // in operation names: "EndpointConfig" (DescribeEndpointConfig, ...)
  std::string_view type;             // ARN resource type and store type: "endpoint-config"
  std::string_view noun;             // as SageMaker's messages say it: "endpoint configuration"
  std::string_view name_member;      // "EndpointConfigName"
  std::string_view arn_member;       // "EndpointConfigArn"
  std::string_view describe_output;  // shape of the stored document: "DescribeEndpointConfigOutput"
  std::string_view summary_list;     // the List output's member: "EndpointConfigs"
  bool lifecycle = false;            // a status that changes with time (endpoints): listed and filtered by it
};

inline constexpr ResourceKind kModelKind{"Model", "model", "model", "ModelName", "ModelArn", "DescribeModelOutput", "Models"};
inline constexpr ResourceKind kEndpointConfigKind{"EndpointConfig", "endpoint-config", "endpoint configuration", "EndpointConfigName",
                                                  "EndpointConfigArn", "DescribeEndpointConfigOutput",
                                                  "EndpointConfigs"};
inline constexpr ResourceKind kEndpointKind{"Endpoint",     "endpoint",           "endpoint", "EndpointName",
                                            "EndpointArn",  "DescribeEndpointOutput", "Endpoints", true};

// arn:<partition>:sagemaker:<region>:<account>:<type>/<name in lowercase>, the partition being the region's
// ("aws-cn" for cn-north-1, see schema/partitions.hpp).
std::string resource_arn(const identity::Caller& caller, std::string_view type, std::string_view name);

store::Scope scope_of(const identity::Caller& caller);


// A CreationTime as AWS writes it: epoch seconds with a millisecond fraction.
Json epoch_seconds(std::int64_t ms);

// Stores what Create received (`input`, validated, without its Tags) plus the ARN and CreationTime, shaped as
// Describe returns it; the input's Tags are stored beside it. Returns the ARN.
// Throws ValidationException "Could not find model "<arn>"." for the first of `models` that does not exist, then
// "Cannot create already existing <noun> "<arn>"." when the name is taken; checked and stored in one transaction.
std::string create_resource(const Context& context, const identity::Caller& caller, const ResourceKind& kind,
                            Json input, const std::vector<std::string>& models = {});

// The stored document, as stored. Throws ValidationException "Could not find <noun> "<arn>"." when there is none.
SerializedJson describe_resource(const Context& context, const identity::Caller& caller, const ResourceKind& kind,
                                 std::string_view name);

// Throws like describe_resource when there is nothing to delete.
void delete_resource(const Context& context, const identity::Caller& caller, const ResourceKind& kind,
                     std::string_view name);

// Registers Describe<Noun>, Delete<Noun> and List<Noun>s, which every hosting resource serves the same way.
void add_describe_delete_list(OperationTable& table, const Context& context, const ResourceKind& kind);

// A validated TagList as the store's tags. Throws ValidationException for a key beginning with "aws:" (AWS's
// own), whether the tags come with a Create or with AddTags.
std::vector<store::Tag> checked_tags(const Json& tags);

ApiError not_found(const identity::Caller& caller, const ResourceKind& kind, std::string_view name);

}  // namespace sagebox::sagemaker
