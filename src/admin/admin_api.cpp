#include "sagebox/admin/admin_api.hpp"

#include <optional>
#include <string>
#include <utility>

#include "sagebox/crypto.hpp"
#include "sagebox/error.hpp"
#include "sagebox/json.hpp"

namespace sagebox::admin {
namespace {

http::Response answer(int status, const Json& body) {
  http::Response response;
  response.status = status;
  response.content_type = "application/x-amz-json-1.1";
  response.headers.emplace_back("x-amzn-RequestId", crypto::request_id());
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

http::Response answer(const ApiError& error) {
  return answer(error.http_status(), Json{{"__type", error.code()}, {"message", error.message()}});
}

// The body as JSON. A fault rule is two levels deep: anything deeper is refused before it is built.
Json parse_body(const std::string& body) {
  constexpr int kMaxDepth = 3;
  bool too_deep = false;
  const auto limit = [&too_deep](int depth, Json::parse_event_t, Json&) {
    too_deep = too_deep || depth > kMaxDepth;
    return !too_deep;
  };
  Json parsed = Json::parse(body, limit, /*allow_exceptions=*/false);
  if (too_deep) throw ApiError::validation("The request body nests deeper than a fault rule does.");
  if (parsed.is_discarded()) throw ApiError::serialization("The request body is not valid JSON.");
  return parsed;
}

}  // namespace

AdminApi::AdminApi(sagemaker::Service& service, FaultRules& faults, RequestJournal& journal,
                   identity::IdentityConfig identity, std::string admin_token)
    : service_(service),
      faults_(faults),
      journal_(journal),
      identity_(std::move(identity)),
      admin_token_(std::move(admin_token)) {}

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
               std::optional<Json> removed = faults_.remove(id);
               if (!removed) {
                 throw ApiError("ResourceNotFoundException",
                                "No fault rule has the id " +
                                    Json(id).dump(-1, ' ', false, Json::error_handler_t::replace) + ".",
                                404);
               }
               return answer(200, *removed);
             }));

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
  for (const char* prefix : {"/_sagebox/**", "/moto-api/**"}) {
    router.add("*", prefix, [](const http::Request& request, const http::PathParams&) {
      return answer(ApiError("UnknownOperationException",
                             "No such admin path: " + std::string(http::path_of(request.target)), 404));
    });
  }
}

}  // namespace sagebox::admin
