#include "sagebox/sagemaker/service.hpp"

namespace sagebox::sagemaker {

Service::Service(store::Database& database, const schema::Schema& schema, ServiceOptions options)
    : resources_(database, options.clock),
      context_{resources_, schema, database.secret(), options.clock, options.transition_delay_ms,
               script_} {
  add_model_operations(operations_, context_);
  add_endpoint_config_operations(operations_, context_);
  add_endpoint_operations(operations_, context_);
  add_tag_operations(operations_, context_);
}

const Operation* Service::find(std::string_view name) const {
  auto it = operations_.find(name);
  return it == operations_.end() ? nullptr : &it->second;
}

void Service::reset() { resources_.clear(); }

std::vector<Service::Released> Service::release_held(const EndpointSelector& selector) {
  return release_held_endpoints(context_, selector);
}

}  // namespace sagebox::sagemaker
