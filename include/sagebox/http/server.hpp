// Server: Boost.Beast HTTP/1.1 with keep-alive, a body limit, read timeouts and graceful stop, on a pool of
// threads. It routes `GET /_sagebox/health`, `POST /_sagebox/reset` (and moto's `POST /moto-api/reset`) to the
// admin routes and every other POST to the api route. It knows nothing about SageMaker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "sagebox/config.hpp"
#include "sagebox/http/message.hpp"

namespace sagebox::http {

struct Routes {
  std::function<Response(const Request&)> api;
  std::function<Response()> health;
  std::function<Response(const Request&)> reset;  // given the request: it may carry an admin token
  // Builds the answer to a request that failed before it was whole (e.g. body over the limit: 413).
  std::function<Response(int status, std::string_view message)> error;
};

class Server {
 public:
  // Binds and listens at once; throws std::runtime_error when the address cannot be bound.
  Server(const Config& config, Routes routes);
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
