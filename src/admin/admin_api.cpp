#include "sagebox/admin/admin_api.hpp"

#include <optional>
#include <string>
#include <utility>

#include "json_body.hpp"
#include "sagebox/admin/dashboard.hpp"
#include "sagebox/admin/inventory.hpp"
#include "sagebox/admin/state.hpp"
#include "sagebox/crypto.hpp"
#include "sagebox/error.hpp"
#include "sagebox/json.hpp"

namespace sagebox::admin {
namespace {

http::Response answer(int status, const Json& body) { return admin_answer(status, body); }
http::Response answer(const ApiError& error) { return admin_answer(error); }

// The body as JSON. A fault rule is two levels deep (a lifecycle rule one): anything deeper is refused before
// it is built.
Json parse_body(const std::string& body) {
  return parse_json(body, 3, "The request body nests deeper than a fault rule does.");
}

// The rule `removed` names, or 404 when there was none called `id`.
http::Response removed_rule(const std::optional<Json>& removed, std::string_view what,
                            const std::string& id) {
  if (!removed) {
    throw ApiError("ResourceNotFoundException",
                   "No " + std::string(what) + " has the id " +
                       Json(id).dump(-1, ' ', false, Json::error_handler_t::replace) + ".",
                   404);
  }
  return answer(200, *removed);
}

}  // namespace

http::Response admin_answer(int status, const Json& body) {
  http::Response response;
  response.status = status;
  response.content_type = "application/x-amz-json-1.1";
  response.headers.emplace_back("x-amzn-RequestId", crypto::request_id());
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

http::Response admin_answer(const ApiError& error) {
  return admin_answer(error.http_status(), Json{{"__type", error.code()}, {"message", error.message()}});
}

Json parse_json(std::string_view text, int max_depth, const std::string& too_deep) {
  bool deeper = false;
  const auto limit = [&deeper, max_depth](int depth, Json::parse_event_t, Json&) {
    deeper = deeper || depth > max_depth;
    return !deeper;
  };
  Json parsed = Json::parse(text, limit, /*allow_exceptions=*/false);
  if (deeper) throw ApiError::validation(too_deep);
  if (parsed.is_discarded()) throw ApiError::serialization("The request body is not valid JSON.");
  return parsed;
}

AdminApi::AdminApi(sagemaker::Service& service, FaultRules& faults, RequestJournal& journal,
                   identity::IdentityConfig identity, std::string admin_token,
                   std::optional<RuntimeControl> runtime)
    : service_(service),
      faults_(faults),
      journal_(journal),
      identity_(std::move(identity)),
      admin_token_(std::move(admin_token)),
      runtime_(runtime) {}

http::Handler AdminApi::guarded(Action action) const {
  return [this, action = std::move(action)](const http::Request& request, const http::PathParams& params) {
    try {
      if (!identity::admin_allowed(request, identity_, admin_token_)) {
        throw ApiError("AccessDeniedException",
                       "The admin paths need the admin token in the X-Sagebox-Admin-Token header.", 403);
      }
      return action(request, params);
    } catch (const ApiError& error) {
      return answer(error);
    }
  };
}

void AdminApi::add_routes(http::Router& router) {
  router.add("GET", "/_sagebox/health", [](const http::Request&, const http::PathParams&) {
    return answer(200, Json{{"status", "ok"}, {"version", SAGEBOX_VERSION}});
  });
  const Action reset = [this](const http::Request&, const http::PathParams&) {
    service_.reset();
    if (runtime_) runtime_->answers.clear();
    return answer(200, Json{{"status", "ok"}});
  };
  router.add("POST", "/_sagebox/reset", guarded(reset));
  router.add("POST", "/moto-api/reset", guarded(reset));

  router.add("POST", "/_sagebox/faults",
             guarded([this](const http::Request& request, const http::PathParams&) {
               return answer(200, faults_.add(parse_body(request.body)));
             }));
  router.add("GET", "/_sagebox/faults", guarded([this](const http::Request&, const http::PathParams&) {
               return answer(200, faults_.list());
             }));
  router.add("DELETE", "/_sagebox/faults", guarded([this](const http::Request&, const http::PathParams&) {
               return answer(200, Json{{"deleted", faults_.clear()}});
             }));
  router.add("DELETE", "/_sagebox/faults/{id}",
             guarded([this](const http::Request&, const http::PathParams& params) {
               const std::string& id = params.at("id");
               return removed_rule(faults_.remove(id), "fault rule", id);
             }));

  sagemaker::LifecycleScript& script = service_.lifecycle_script();
  router.add("POST", "/_sagebox/lifecycle",
             guarded([&script](const http::Request& request, const http::PathParams&) {
               return answer(200, script.add(parse_body(request.body)));
             }));
  router.add("GET", "/_sagebox/lifecycle", guarded([&script](const http::Request&, const http::PathParams&) {
               return answer(200, script.list());
             }));
  router.add("DELETE", "/_sagebox/lifecycle",
             guarded([&script](const http::Request&, const http::PathParams&) {
               return answer(200, Json{{"deleted", script.clear()}});
             }));
  router.add("DELETE", "/_sagebox/lifecycle/{id}",
             guarded([&script](const http::Request&, const http::PathParams& params) {
               const std::string& id = params.at("id");
               return removed_rule(script.remove(id), "lifecycle rule", id);
             }));
  router.add("POST", "/_sagebox/lifecycle/release",
             guarded([this](const http::Request& request, const http::PathParams&) {
               // An empty body is the same as {}: release everything.
               const Json body = request.body.empty() ? Json::object() : parse_body(request.body);
               Json released = Json::array();
               for (const auto& endpoint : service_.release_held(sagemaker::release_selector(body))) {
                 released.push_back(
                     {{"account", endpoint.account}, {"region", endpoint.region}, {"name", endpoint.name}});
               }
               return answer(200, Json{{"released", std::move(released)}});
             }));
  router.add("GET", "/_sagebox/state", guarded([this](const http::Request&, const http::PathParams&) {
               return answer(200, service_.export_state());
             }));
  router.add("POST", "/_sagebox/state",
             guarded([this](const http::Request& request, const http::PathParams&) {
               const std::size_t imported = service_.import_state(parse_state(request.body));
               return answer(200, Json{{"status", "ok"}, {"resources", imported}});
             }));
  router.add("GET", "/_sagebox/resources", guarded([this](const http::Request&, const http::PathParams&) {
               return answer(200, describe_resources(service_, addresses_in(service_.export_state())));
             }));
  // The page is open to all: it holds no data, and in strict mode it asks for the token the API calls need.
  router.add("GET", "/_sagebox", [](const http::Request&, const http::PathParams&) {
    return dashboard_response(*dashboard_file("index.html"));
  });
  router.add("GET", "/_sagebox/ui/{file}", [](const http::Request&, const http::PathParams& params) {
    const DashboardFile* file = dashboard_file(params.at("file"));
    if (!file) {
      return answer(ApiError("UnknownOperationException",
                             "The dashboard has no file " +
                                 Json(params.at("file")).dump(-1, ' ', false, Json::error_handler_t::replace) + ".",
                             404));
    }
    return dashboard_response(*file);
  });
  router.add(
      "GET", "/_sagebox/requests", guarded([this](const http::Request& request, const http::PathParams&) {
        const std::optional<http::QueryParams> params = http::query_params(request.target);
        if (!params) {
          throw ApiError::validation("The query string has a '%' that is not followed by two hex digits.");
        }
        return answer(200, journal_.list(JournalQuery::parse(*params)));
      }));
  router.add("DELETE", "/_sagebox/requests", guarded([this](const http::Request&, const http::PathParams&) {
               return answer(200, Json{{"deleted", journal_.clear()}});
             }));
  if (runtime_) add_runtime_routes(router, *runtime_);
  for (const char* prefix : {"/_sagebox/**", "/moto-api/**"}) {
    router.add("*", prefix, [](const http::Request& request, const http::PathParams&) {
      return answer(ApiError("UnknownOperationException",
                             "No such admin path: " + std::string(http::path_of(request.target)), 404));
    });
  }
}

}  // namespace sagebox::admin
