#include "sagebox/admin/admin_api.hpp"

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

}  // namespace

AdminApi::AdminApi(sagemaker::Service& service, identity::IdentityConfig identity, std::string admin_token)
    : service_(service), identity_(std::move(identity)), admin_token_(std::move(admin_token)) {}

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
  for (const char* prefix : {"/_sagebox/**", "/moto-api/**"}) {
    router.add("*", prefix, [](const http::Request& request, const http::PathParams&) {
      return answer(ApiError("UnknownOperationException",
                             "No such admin path: " + std::string(http::path_of(request.target)), 404));
    });
  }
}

}  // namespace sagebox::admin
