// The admin paths of the SageMaker Runtime (admin_api.hpp): model backends and canned answers.
#include <chrono>
#include <string>

#include "json_body.hpp"
#include "sagebox/admin/admin_api.hpp"
#include "sagebox/error.hpp"

namespace sagebox::admin {
namespace {

// An answers document is three levels deep ({"answers": [{…}]}); moto's results the same.
Json parse_answers_body(const std::string& body) {
  return parse_json(body, 3, "The request body nests deeper than a list of answers does.");
}

std::string quoted(const std::string& text) { return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace); }

// The string member `name` of `body`, or `fallback` when it is absent.
std::string string_member(const Json& body, const char* name, const std::string& fallback) {
  const auto it = body.find(name);
  if (it == body.end()) return fallback;
  if (!it->is_string()) throw ApiError::validation(std::string(name) + ": must be a string.");
  return it->get<std::string>();
}

}  // namespace

void AdminApi::add_runtime_routes(http::Router& router, const RuntimeControl& runtime) {
  router.add("GET", "/_sagebox/backends", guarded([runtime](const http::Request&, const http::PathParams&) {
               return admin_answer(200, runtime.backends.list());
             }));
  router.add("PUT", "/_sagebox/backends/{model}",
             guarded([runtime](const http::Request& request, const http::PathParams& params) {
               const Json body = parse_answers_body(request.body);
               if (!body.is_object() || body.size() != 1 || !body.contains("url") || !body["url"].is_string()) {
                 throw ApiError::validation(
                     "The body must be {\"url\": \"http://host:port\"}: the container that answers the model.");
               }
               const std::string text = body["url"].get<std::string>();
               const auto url = runtime::ContainerUrl::parse(text);
               if (!url) {
                 throw ApiError::validation("url: " + quoted(text) +
                                            " is not an http URL such as \"http://localhost:9000\".");
               }
               const std::string& model = params.at("model");
               runtime.backends.set(model, *url);
               const bool ping = runtime.containers != nullptr &&
                                 runtime.containers->ping(*url, std::chrono::milliseconds(1000));
               return admin_answer(200, Json{{"model", model}, {"url", url->text}, {"ping", ping}});
             }));
  router.add("DELETE", "/_sagebox/backends/{model}",
             guarded([runtime](const http::Request&, const http::PathParams& params) {
               const std::string& model = params.at("model");
               const auto url = runtime.backends.find(model);
               if (!url || !runtime.backends.remove(model)) {
                 throw ApiError("ResourceNotFoundException", "No backend is set for the model " + quoted(model) + ".",
                                404);
               }
               return admin_answer(200, Json{{"model", model}, {"url", url->text}});
             }));
  router.add("DELETE", "/_sagebox/backends", guarded([runtime](const http::Request&, const http::PathParams&) {
               return admin_answer(200, Json{{"deleted", runtime.backends.clear()}});
             }));
  router.add("POST", "/_sagebox/endpoints/{name}/answers",
             guarded([this, runtime](const http::Request& request, const http::PathParams& params) {
               const Json body = parse_answers_body(request.body);
               if (!body.is_object() || !body.contains("answers")) {
                 throw ApiError::validation(
                     "The body must be {\"answers\": [answer, …]} with optional \"account\" and \"region\".");
               }
               for (const auto& [key, value] : body.items()) {
                 if (key != "answers" && key != "account" && key != "region") {
                   throw ApiError::validation("Unknown member " + quoted(key) +
                                              "; the members are answers, account and region.");
                 }
               }
               const std::string account = string_member(body, "account", identity_.default_account);
               const std::string region = string_member(body, "region", identity_.default_region);
               if (!identity::is_account_id(account)) throw ApiError::validation("account: must be 12 digits.");
               if (!identity::is_region(region)) throw ApiError::validation("region: must be a region such as us-east-1.");
               auto answers = runtime::parse_answers(body["answers"]);
               const std::size_t queued = answers.size();
               runtime.answers.push(account, region, params.at("name"), std::move(answers));
               return admin_answer(200, Json{{"queued", queued}});
             }));
  router.add("GET", "/_sagebox/answers", guarded([runtime](const http::Request&, const http::PathParams&) {
               return admin_answer(200, runtime.answers.list());
             }));
  router.add("DELETE", "/_sagebox/answers", guarded([runtime](const http::Request&, const http::PathParams&) {
               return admin_answer(200, Json{{"deleted", runtime.answers.clear()}});
             }));
  router.add("POST", "/moto-api/static/sagemaker/endpoint-results",
             guarded([runtime](const http::Request& request, const http::PathParams&) {
               auto results = runtime::parse_moto_results(parse_answers_body(request.body));
               runtime.answers.push_moto(results.account, results.region, std::move(results.answers));
               http::Response response = admin_answer(201, Json::object());
               response.body.clear();
               return response;
             }));
}

}  // namespace sagebox::admin
