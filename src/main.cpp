// sagebox: parse the configuration, open the store, wire the stages together, serve until SIGINT/SIGTERM.
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "sagebox/config.hpp"
#include "sagebox/error.hpp"
#include "sagebox/http/server.hpp"
#include "sagebox/identity/caller.hpp"
#include "sagebox/log.hpp"
#include "sagebox/protocol/json_protocol.hpp"
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

http::Routes routes(protocol::JsonProtocol& api, sagemaker::Service& service, const identity::IdentityConfig& identity,
                    const std::string& admin_token) {
  http::Routes r;
  r.api = [&api](const http::Request& request) { return api.handle(request); };
  r.health = [] { return protocol::json_response(200, Json{{"status", "ok"}, {"version", SAGEBOX_VERSION}}); };
  r.reset = [&service, &identity, &admin_token](const http::Request& request) {
    if (!identity::admin_allowed(request, identity, admin_token)) {
      return protocol::error_response(ApiError("AccessDeniedException",
                                               "The reset paths need the admin token in the X-Sagebox-Admin-Token "
                                               "header.",
                                               403));
    }
    service.reset();
    return protocol::json_response(200, Json{{"status", "ok"}});
  };
  r.error = [](int status, std::string_view message) { return protocol::transport_error_response(status, message); };
  return r;
}

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
  try {
    const schema::Schema& schema = schema::Schema::embedded();
    // Loads the partition table before the first request, as the schema is; a broken table stops startup.
    schema::partition_of(config.region);
    store::Database database(config.db_path);
    sagemaker::Service service(database, schema, {config.transition_delay.count()});
    protocol::JsonProtocol api(service, schema, identity);
    http::Server server(config, routes(api, service, identity, config.admin_token));
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
