// Service: the SageMaker operations sagebox serves, as a table from operation name to input shape and handler.
// Handlers receive input already validated against its shape (schema/) and return the output document; they
// never see HTTP. A stored document goes back out in the serialized form it was stored in. Each resource's operations live in their own file (endpoint_configs.cpp, endpoints.cpp,
// models.cpp, tags.cpp).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sagebox/identity/caller.hpp"
#include "sagebox/json.hpp"
#include "sagebox/sagemaker/lifecycle_script.hpp"
#include "sagebox/schema/schema.hpp"
#include "sagebox/store/database.hpp"
#include "sagebox/store/resource_store.hpp"

namespace sagebox::sagemaker {

// What an operation returns: its output document, or (Describe) the stored document as it was serialized.
using Output = std::variant<Json, SerializedJson>;

using Handler = std::function<Output(const identity::Caller&, const Json& input)>;

struct Operation {
  std::string input_shape;  // validated before the handler runs; empty for none
  Handler handler;
};

using OperationTable = std::map<std::string, Operation, std::less<>>;

// What every resource's handlers share.
struct Context {
  store::ResourceStore& resources;
  const schema::Schema& schema;
  const std::string& token_secret;  // signs pagination tokens
  store::Clock clock;               // now, in milliseconds since the epoch
  std::int64_t transition_delay_ms;  // how long Creating, Updating and Deleting last
  LifecycleScript& script;           // how the next transitions go, when a test says
};

struct ServiceOptions {
  std::int64_t transition_delay_ms = 0;
  store::Clock clock = store::system_clock_ms;  // tests set the time
};

class Service {
 public:
  // REQUIRES: `database` and `schema` outlive the service.
  Service(store::Database& database, const schema::Schema& schema, ServiceOptions options = {});
  // Handlers hold references into the service.
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The operation called `name` (without the "SageMaker." prefix), or nullptr.
  const Operation* find(std::string_view name) const;

  // Deletes every resource of every account and region. Lifecycle rules stay: they have their own clear().
  void reset();

  // The rules for endpoints' next transitions (in memory: they are for the test run that adds them).
  LifecycleScript& lifecycle_script() { return script_; }

  struct Released {
    std::string account;
    std::string region;
    std::string name;
  };
  // Ends the held phase (lifecycle_script.hpp) of every endpoint `selector` selects, in any account and region:
  // each goes on as it would have, as if its phase had lasted the transition delay or until now, whichever is
  // later. Returns those released, by account, region and name.
  std::vector<Released> release_held(const EndpointSelector& selector);
  // The whole state as one document (the README's "State: export, import, seeds"): every resource of every
  // account and region with its tags, an endpoint as its stored record (phase included), ordered by account,
  // region, type and name, and with no time of export in it: the same state always exports to the same bytes.
  Json export_state();

  // Replaces the whole state with `document`'s in one transaction; returns how many resources it holds. Throws
  // ApiError ValidationException "<where>: <what is wrong>" (such as "resources[3].name: ..."), having changed
  // nothing. References between resources are not checked: AWS lets a model go while a configuration names it.
  std::size_t import_state(const Json& document);

  // Whether no resource is stored at all.
  bool empty();

 private:
  LifecycleScript script_;
  store::ResourceStore resources_;
  Context context_;
  OperationTable operations_;
};

// Registration of each resource's operations (one function per resource file).
void add_endpoint_config_operations(OperationTable& table, const Context& context);
void add_endpoint_operations(OperationTable& table, const Context& context);
void add_model_operations(OperationTable& table, const Context& context);
void add_tag_operations(OperationTable& table, const Context& context);

// Service::release_held, in endpoints.cpp with the rest of the endpoint lifecycle.
std::vector<Service::Released> release_held_endpoints(const Context& context, const EndpointSelector& selector);

}  // namespace sagebox::sagemaker
