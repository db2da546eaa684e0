// Server: Boost.Beast HTTP/1.1 with keep-alive, a body limit, read timeouts and graceful stop, on a pool of
// threads. Every whole request goes to the router it is given (router.hpp), on the connection's own thread; the
// reply's delay is waited out on that thread's event loop, holding no thread. It names no path and knows nothing
// about SageMaker.
//
// Limits, and what a client meets at each (all from Config unless named here):
// - max_connections open connections are served at once. One more is accepted and answered at once, without
//   reading its request, with router.error(503, "Too many connections (limit N)"), `Retry-After: 1` and
//   `Connection: close`; then closed. At most 64 such refusals are in flight; past that a new connection is
//   closed unanswered. Refusals are logged at warn at most once per second.
// - A kept-alive connection with no request is closed after idle_timeout; a request (headers and body) must
//   arrive within read_timeout, or the connection is closed unanswered.
// - A body over its route's limit (Router::body_limit, else body_limit) gets 413, a header block over 16 KiB gets 431, bytes that are not HTTP get 400;
//   each then closes the connection (after briefly discarding what the client still sends). These are logged
//   at warn at most once per second. Empty lines before a request line are skipped (RFC 9112 section 2.2).
// - The constructor raises the soft RLIMIT_NOFILE (up to the hard limit; on macOS OPEN_MAX) to fit
//   max_connections; when the descriptors run out anyway, accepting pauses 100 ms at a time and connections
//   wait in the listen backlog.
#pragma once

#include <cstdint>
#include <memory>

#include "sagebox/config.hpp"
#include "sagebox/http/router.hpp"

namespace sagebox::http {

class Server {
 public:
  // Binds and listens at once; throws std::runtime_error when the address cannot be bound.
  // A request that fails before it is whole (e.g. body over the limit: 413) is answered by router.error().
  Server(const Config& config, Router router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (useful with port 0).
  std::uint16_t port() const;

  // Serves until stop() or SIGINT/SIGTERM: then stops accepting, lets in-flight requests finish (up to the
  // shutdown grace), closes idle connections, and returns.
  void run();

  // Safe from any thread.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sagebox::http
