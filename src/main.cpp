// sagebox: parse the configuration, open the store, wire the stages together, serve until SIGINT/SIGTERM.
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sagebox/admin/admin_api.hpp"
#include "sagebox/admin/faults.hpp"
#include "sagebox/admin/state.hpp"
#include "sagebox/admin/journal.hpp"
#include "sagebox/config.hpp"
#include "sagebox/http/router.hpp"
#include "sagebox/http/server.hpp"
#include "sagebox/identity/caller.hpp"
#include "sagebox/log.hpp"
#include "sagebox/protocol/json_protocol.hpp"
#include "sagebox/runtime/canned_answers.hpp"
#include "sagebox/runtime/container_client.hpp"
#include "sagebox/runtime/data_capture.hpp"
#include "sagebox/runtime/model_backends.hpp"
#include "sagebox/runtime/runtime_protocol.hpp"
#include "sagebox/sagemaker/service.hpp"
#include "sagebox/schema/partitions.hpp"
#include "sagebox/schema/schema.hpp"
#include "sagebox/store/database.hpp"

extern char** environ;

namespace {

std::map<std::string, std::string> sagebox_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string text(*entry);
    std::size_t equals = text.find('=');
    if (equals != std::string::npos && text.starts_with("SAGEBOX_")) env[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return env;
}

using namespace sagebox;

}  // namespace

int main(int argc, char** argv) {
  ConfigResult parsed = parse_config(std::vector<std::string>(argv + 1, argv + argc), sagebox_environment());
  if (!parsed.config) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.text;
    return parsed.exit_code;
  }
  const Config& config = *parsed.config;
  log::set_level(config.log_level);
  identity::IdentityConfig identity{config.account, config.region, config.auth, {}};
  if (config.auth == AuthMode::kStrict) {
    try {
      identity.keys = identity::load_credentials(config.credentials_path);
    } catch (const std::exception& failure) {
      std::cerr << "sagebox: " << failure.what() << std::endl;
      return 2;
    }
  }
  runtime::ModelBackends backends;
  for (const auto& [model, url] : config.backends) {
    const auto parsed_url = runtime::ContainerUrl::parse(url);
    if (!parsed_url) {
      std::cerr << "sagebox: invalid --backend value '" << model << "=" << url
                << "': the URL must be http://host:port with an optional path, such as http://localhost:9000\n"
                << "Try 'sagebox --help' for more information." << std::endl;
      return 2;
    }
    backends.set(model, *parsed_url);
  }
  try {
    const schema::Schema& schema = schema::Schema::embedded();
    // Loads the partition table before the first request, as the schema is; a broken table stops startup.
    schema::partition_of(config.region);
    store::Database database(config.db_path);
    sagemaker::Service service(database, schema, {config.transition_delay.count()});
    if (!config.seed_path.empty()) {
      try {
        if (admin::load_seed(service, config.seed_path)) {
          log::info("loaded the seed file " + config.seed_path);
        } else {
          log::info("the database holds resources already: the seed file " + config.seed_path + " is not loaded");
        }
      } catch (const std::exception& failure) {
        std::cerr << "sagebox: " << failure.what() << std::endl;
        return 2;
      }
    }
    // In memory only: fault rules are for the test run that adds them.
    admin::FaultRules faults([&service](std::string_view name) {
      return service.find(name) != nullptr || runtime::is_runtime_operation(name);
    });
    admin::RequestJournal journal(config.journal_size);
    protocol::JsonProtocol api(service, schema, identity, &faults, &journal);
    runtime::CannedAnswers answers;
    // Capture samples with the runtime's generator, so that --random-seed makes both repeat.
    runtime::RuntimeProtocol* runtime_api = nullptr;
    std::optional<runtime::DataCapture> capture;
    if (!config.capture_dir.empty()) capture.emplace(config.capture_dir, [&runtime_api] { return runtime_api->sampling_draw(); });
    // After what its callbacks use: calls still under way at exit end (with a failure) as it is destroyed.
    runtime::ContainerClient containers(config.backend_timeout);
    runtime::RuntimeProtocol invocations(
        service, identity,
        {backends, answers, &containers, capture ? &*capture : nullptr, &faults, &journal, config.random_seed});
    runtime_api = &invocations;
    admin::AdminApi admin(service, faults, journal, identity, config.admin_token,
                          admin::RuntimeControl{backends, answers, &containers});
    // Requests that fail before any route takes them (413, 400, 503 …) are answered as API errors.
    http::Router router(protocol::transport_error_response);
    admin.add_routes(router);
    invocations.add_routes(router);
    // Every other path: the SageMaker API, which clients may give a base path.
    router.add("POST", "/**", [&api](const http::Request& request, const http::PathParams&) {
      return api.serve(request);
    });
    http::Server server(config, std::move(router));
    // An IPv6 literal needs brackets in a URL.
    const bool ipv6 = config.host.find(':') != std::string::npos;
    std::cout << "sagebox listening on http://" << (ipv6 ? "[" + config.host + "]" : config.host) << ":"
              << server.port() << std::endl;
    server.run();
    log::info("stopped");
  } catch (const std::exception& failure) {
    std::cerr << "sagebox: " << failure.what() << std::endl;
    return 1;
  }
  return 0;
}
