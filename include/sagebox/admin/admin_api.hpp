// AdminApi: the control plane for test authors, on the same port as the SageMaker API. A front door of its
// own, beside protocol/: it registers its paths on the router at startup, works on the same service as the
// API, and is the only place where its answers and errors become bytes. They look like the API's
// (Content-Type application/x-amz-json-1.1, a fresh x-amzn-RequestId, errors as {"__type", "message"}), so
// that a client that reads one reads the other.
//
//   GET  /_sagebox/health   200 {"status":"ok","version":"…"}
//   POST /_sagebox/reset    deletes every resource of every account and region (fault and lifecycle rules
//                           stay: they have their own DELETE): 200 {"status":"ok"}
//   POST /moto-api/reset    the same, for suites written against moto's server mode
//   POST /_sagebox/faults   adds a fault rule (faults.hpp): 200 with the rule as stored, its id among it;
//                           400 ValidationException saying what is wrong with it
//   GET  /_sagebox/faults   200 {"faults": [rule, …]}, each with `fired`: how often it has fired
//   DELETE /_sagebox/faults        removes every rule: 200 {"deleted": n}
//   DELETE /_sagebox/faults/{id}   removes one: 200 with the rule as it was; 404 ResourceNotFoundException
//   POST /_sagebox/lifecycle  adds an endpoint lifecycle rule (sagemaker/lifecycle_script.hpp): 200 with the
//                             rule as stored, its id among it; 400 ValidationException saying what is wrong
//   GET  /_sagebox/lifecycle  200 {"rules": [rule, …]}, each with `fired`: how many transitions it scripted
//   DELETE /_sagebox/lifecycle        removes every rule: 200 {"deleted": n}
//   DELETE /_sagebox/lifecycle/{id}   removes one: 200 with the rule as it was; 404 ResourceNotFoundException
//   POST /_sagebox/lifecycle/release  ends the held status of the endpoints the body selects ({} for all;
//                             optional name or name_prefix, account, region): 200 {"released": [{"account",
//                             "region", "name"}, …]}
//   GET  /_sagebox/state    200 the whole state as one document (Service::export_state; README, "State:
//                           export, import, seeds")
//   POST /_sagebox/state    replaces the whole state with the body's document, in one transaction:
//                           200 {"status":"ok","resources":n}; 400 ValidationException "<where>: <what is wrong>"
//                           and nothing changed
//   GET  /_sagebox/requests the request journal (journal.hpp): 200 {"requests": [entry, …],
//                           "journal_size": n}, oldest first; query filters operation, status, error, since, limit (the newest n
//                           that match); an unknown filter or a bad value: 400 ValidationException
//   DELETE /_sagebox/requests      empties the journal: 200 {"deleted": n}
//   GET  /_sagebox/resources  every resource of every account and region as Describe answers it now
//                             (inventory.hpp)
//   The SageMaker Runtime's backends and canned answers (runtime/; present when the runtime is):
//   GET  /_sagebox/backends          200 {"backends": [{"model", "url"}, …]}: which container answers each model
//   PUT  /_sagebox/backends/{model}  body {"url": "http://host:port"}: that container answers the model's
//                                    invocations from now on; 200 {"model", "url", "ping": true|false} (whether
//                                    GET /ping answered 200 within a second: a container may come up later)
//   DELETE /_sagebox/backends/{model}  200 {"model", "url"} as it was; 404 ResourceNotFoundException
//   DELETE /_sagebox/backends        removes every one: 200 {"deleted": n}
//   POST /_sagebox/endpoints/{name}/answers  body {"answers": [answer, …], "account"?, "region"?}: queues
//                                    answers the endpoint gives instead of calling any container, oldest first
//                                    (runtime/canned_answers.hpp); 200 {"queued": n}
//   GET  /_sagebox/answers           200 the queues and how many each holds; DELETE empties them all
//   POST /moto-api/static/sagemaker/endpoint-results  moto's format and meaning, for suites written against
//                                    moto: 201 with an empty body
//   A reset also empties the answer queues; backends stay (they are configuration, as --backend is).
//   GET  /_sagebox/           the dashboard's page, and GET /_sagebox/ui/{file} its files (dashboard.hpp): open
//                             without the admin token, since they hold no data
//
// Another method on one of these paths: 405 with `Allow` (the router's answer). Any other path under
// /_sagebox or /moto-api: 404 UnknownOperationException "No such admin path: <path>", so that a mistyped
// admin path never reaches the SageMaker API. In strict mode with an admin token, every admin path but health
// needs the header X-Sagebox-Admin-Token with that token (403 AccessDeniedException): health stays open
// because container health checks cannot send headers, and it tells nothing but that sagebox is up; so does the
// dashboard's page, which asks for the token.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "sagebox/admin/faults.hpp"
#include "sagebox/admin/journal.hpp"
#include "sagebox/http/router.hpp"
#include "sagebox/identity/caller.hpp"
#include "sagebox/runtime/canned_answers.hpp"
#include "sagebox/runtime/container_client.hpp"
#include "sagebox/runtime/model_backends.hpp"
#include "sagebox/sagemaker/service.hpp"

namespace sagebox::admin {

// What the admin API controls of the SageMaker Runtime.
struct RuntimeControl {
  runtime::ModelBackends& backends;
  runtime::CannedAnswers& answers;
  runtime::ContainerClient* containers = nullptr;  // pings a container when it is set; none: no ping
};

class AdminApi {
 public:
  // REQUIRES: `service`, `faults` and `journal` outlive this object.
  AdminApi(sagemaker::Service& service, FaultRules& faults, RequestJournal& journal,
           identity::IdentityConfig identity, std::string admin_token,
           std::optional<RuntimeControl> runtime = std::nullopt);
  AdminApi(const AdminApi&) = delete;
  AdminApi& operator=(const AdminApi&) = delete;

  // Registers the admin paths. REQUIRES: this object outlives the router (its routes call into it).
  void add_routes(http::Router& router);

 private:
  using Action = std::function<http::Response(const http::Request&, const http::PathParams&)>;
  // `action` behind the admin token; an ApiError it throws becomes the error answer.
  http::Handler guarded(Action action) const;
  // The runtime's paths (runtime_routes.cpp).
  void add_runtime_routes(http::Router& router, const RuntimeControl& runtime);

  sagemaker::Service& service_;
  FaultRules& faults_;
  RequestJournal& journal_;
  identity::IdentityConfig identity_;
  std::string admin_token_;
  std::optional<RuntimeControl> runtime_;
};

// A success or an error answer of the admin paths: application/x-amz-json-1.1 with a fresh x-amzn-RequestId.
http::Response admin_answer(int status, const Json& body);
http::Response admin_answer(const ApiError& error);

}  // namespace sagebox::admin
