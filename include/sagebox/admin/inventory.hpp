// The inventory: every resource of every account and region as SageMaker describes it now, with its tags — what
// the dashboard shows and what a script may read the same way.
//
//   GET /_sagebox/resources   200 {"resources": [{"account", "region",
//                                 "type": "Model" | "EndpointConfig" | "Endpoint", "name", "arn",
//                                 "document": <Describe<type>'s answer>, "tags": [{"Key", "Value"}, …]}, …]}
//
// Each document and tag list is read through the service's own operations (Describe<type>, ListTags) with a
// caller of that account and region, so it is what a client would be answered at that moment: an endpoint's
// status is the live one, not a stored snapshot.
#pragma once

#include <string>
#include <vector>

#include "sagebox/json.hpp"
#include "sagebox/sagemaker/service.hpp"

namespace sagebox::admin {

// Where a resource lives; `type` as in operation names ("EndpointConfig").
struct ResourceAddress {
  std::string account;
  std::string region;
  std::string type;
  std::string name;
};

// The addresses of the resources in `state`, a document as Service::export_state makes it, in its order.
std::vector<ResourceAddress> addresses_in(const Json& state);

// {"resources": [...]} as above, one entry per address, in the order given. A resource gone since its address
// was read (deleted in between) is left out.
Json describe_resources(const sagemaker::Service& service, const std::vector<ResourceAddress>& addresses);

}  // namespace sagebox::admin
