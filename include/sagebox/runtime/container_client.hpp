// ContainerClient: calls a model's container over the SageMaker container contract — `POST <url>/invocations`
// with the caller's body, `Content-Type`, `Accept` and `X-Amzn-SageMaker-Custom-Attributes` — the way SageMaker's
// front end does, so that a test suite can point an endpoint's model at its own inference container.
//
// Calls run on an event loop (Beast, asynchronous), the client's own thread's or the caller's, so a slow container
// holds no thread of the server: the caller gets the result through a callback. Connections are kept alive and
// reused, per loop, host and port; a reused connection that turns out closed by the container (it timed out its keep-alive)
// is replaced and the call sent once more on a fresh one, so that reuse never shows as a failure. Each call has
// a deadline (60 s, as SageMaker's): past it, the result is BackendFailure kTimeout and the connection is closed.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sagebox/runtime/invocation.hpp"

namespace sagebox::runtime {

// A container's address as --backend and the admin API take it: "http://host:port" with an optional base path
// ("http://model:8080/v1": calls go to /v1/invocations). Only http (containers speak plain HTTP to SageMaker);
// the host is a name, an IPv4 address or a bracketed IPv6 one; the port defaults to 80.
struct ContainerUrl {
  std::string host;       // without brackets
  std::string port;       // digits
  std::string base_path;  // "" or "/…" without a trailing slash
  std::string text;       // as given, for messages and listings

  // Nothing for anything else (https, user info, a query or fragment, a bad port).
  static std::optional<ContainerUrl> parse(std::string_view url);
};

class ContainerClient {
 public:
  explicit ContainerClient(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Stops the loop: calls still under way end with BackendFailure kUnreachable ("sagebox is stopping"), on the
  // client's thread, before it returns; so do calls made from their callbacks meanwhile. Waits for a name
  // resolution under way (asio's resolver cannot interrupt getaddrinfo). REQUIRES: not called from a callback.
  ~ContainerClient();
  ContainerClient(const ContainerClient&) = delete;
  ContainerClient& operator=(const ContainerClient&) = delete;

  // Sends `invocation` to `url`'s /invocations and calls `done` with the container's answer (any status:
  // a 4xx or 5xx is an answer, not a failure), or with a failure (kUnreachable: the address does not resolve,
  // the connection is refused or breaks; kTimeout: no whole answer within the timeout; kTooLarge: an answer
  // over 6 MiB). `done` is called exactly once, on the client's thread. Safe from any thread; a call that races
  // with the destructor from another thread may have `done` called at once, on the caller's thread.
  void invoke(const ContainerUrl& url, const Invocation& invocation, BackendCallback done);

  // As invoke, but on `loop`, a caller's event loop run by one thread (a connection's: the call then starts and
  // answers with no hand-off between threads), and `done` is called there. Connections are kept per loop. Such a
  // call is the loop's, not the client's: it ends by its answer or its deadline even after the client is gone,
  // and destroying the loop destroys it uncalled.
  void invoke_on(const boost::asio::any_io_executor& loop, const ContainerUrl& url, const Invocation& invocation,
                 BackendCallback done);

  // GET <url>/ping: whether the container answers 200 within `timeout`. Blocks the calling thread (for the
  // admin API, which checks a container when it is set); it runs on the client's loop, on its connections.
  // REQUIRES: not called from a callback (it would wait on its own thread: std::logic_error).
  bool ping(const ContainerUrl& url, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sagebox::runtime
