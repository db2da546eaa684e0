#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sagebox/http/server.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using sagebox::Config;
using sagebox::http::Handler;
using sagebox::http::Loop;
using sagebox::http::PathParams;
using sagebox::http::Reply;
using sagebox::http::Request;
using sagebox::http::Response;
using sagebox::http::Router;
using sagebox::http::Server;
using namespace std::chrono_literals;

Response text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// A server on an ephemeral port, run on its own thread, with stub routes that record what they saw: the API on
// every POST, and admin-like paths as a front door would register them.
class Harness {
 public:
  Harness() {
    config.port = 0;
    config.threads = 2;
    error = [](int status, std::string_view message) {
      Response r = text(status, "error:" + std::string(message));
      r.headers.emplace_back("X-Test-Error", std::to_string(status));
      return r;
    };
  }

  ~Harness() { stop_and_join(); }

  Router make_router() {
    Router router(error);
    router.add("POST", "/**", [this](const Request& request, const PathParams&) {
      std::lock_guard lock(mutex);
      last = request;
      ++api_calls;
      if (request.body == "boom") throw std::runtime_error("boom");
      if (request.body == "slow") {
        slow_entered = true;
        std::this_thread::sleep_for(600ms);
      }
      if (request.body == "stop") server->stop();
      Response r = text(200, "api:" + request.body);
      r.headers.emplace_back("X-Echo", "yes");
      return r;
    });
    router.add("GET", "/_sagebox/health", [](const Request&, const PathParams&) { return text(200, "healthy"); });
    const Handler reset = [this](const Request&, const PathParams&) {
      ++resets;
      return text(200, "reset");
    };
    router.add("POST", "/_sagebox/reset", reset);
    router.add("POST", "/moto-api/reset", reset);
    router.add("*", "/_sagebox/**", [this](const Request& request, const PathParams&) {
      return Reply(error(404, "No such admin path: " + std::string(sagebox::http::path_of(request.target))));
    });
    if (more_routes) more_routes(router);
    return router;
  }

  void start() {
    server = std::make_unique<Server>(config, make_router());
    thread = std::thread([this] { server->run(); });
  }

  // Returns how long run() took to return after stop().
  std::chrono::milliseconds stop_and_join() {
    const auto started = std::chrono::steady_clock::now();
    if (server) server->stop();
    if (thread.joinable()) thread.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  }

  std::uint16_t port() const { return server->port(); }

  Config config;
  sagebox::http::ErrorBuilder error;
  std::function<void(Router&)> more_routes;  // a test's own routes
  std::unique_ptr<Server> server;
  std::thread thread;
  std::mutex mutex;
  std::optional<Request> last;
  std::atomic<int> api_calls{0};
  std::atomic<int> resets{0};
  std::atomic<bool> slow_entered{false};
};

class Client {
 public:
  explicit Client(std::uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
    stream_.expires_after(10s);
  }

  bhttp::response<bhttp::string_body> send(bhttp::request<bhttp::string_body> request) {
    request.prepare_payload();
    bhttp::write(stream_, request);
    bhttp::response<bhttp::string_body> response;
    bhttp::read(stream_, buffer_, response);
    return response;
  }

  bhttp::response<bhttp::string_body> send(bhttp::verb method, std::string target, std::string body = "",
                                           unsigned version = 11) {
    bhttp::request<bhttp::string_body> request{method, target, version};
    request.set(bhttp::field::host, "localhost");
    request.body() = std::move(body);
    return send(std::move(request));
  }

  void write_raw(std::string_view bytes) {
    net::write(stream_.socket(), net::buffer(bytes.data(), bytes.size()));
  }

  bhttp::response<bhttp::string_body> read_response() {
    bhttp::response<bhttp::string_body> response;
    bhttp::read(stream_, buffer_, response);
    return response;
  }

  bhttp::response<bhttp::string_body> read_head_response() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(true);
    bhttp::read(stream_, buffer_, parser);
    return parser.release();
  }

  // True when the server closed the connection (orderly EOF or reset) before `within` elapsed.
  bool closed_by_server(std::chrono::seconds within = 5s) {
    stream_.expires_after(within);
    char byte;
    beast::error_code ec;
    stream_.read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

  beast::tcp_stream& stream() { return stream_; }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

TEST(HttpServer, PostGoesToApiWithLowercasedHeadersAndIntactBody) {
  Harness h;
  h.start();
  Client client(h.port());
  bhttp::request<bhttp::string_body> request{bhttp::verb::post, "/base/path?x=1", 11};
  request.set(bhttp::field::host, "localhost");
  request.set("X-Amz-Target", "SageMaker.CreateModel");
  request.set(bhttp::field::content_type, "application/x-amz-json-1.1");
  const std::string body = "{\"ModelName\":\"m\",\"bin\":\"\\u0000 \xc3\xa9\"}";
  request.body() = body;
  const auto response = client.send(std::move(request));

  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "api:" + body);
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  EXPECT_EQ(response["X-Echo"], "yes");
  std::lock_guard lock(h.mutex);
  ASSERT_TRUE(h.last.has_value());
  EXPECT_EQ(h.last->method, "POST");
  EXPECT_EQ(h.last->target, "/base/path?x=1");
  EXPECT_EQ(h.last->header("x-amz-target"), "SageMaker.CreateModel");
  EXPECT_EQ(h.last->header("content-type"), "application/x-amz-json-1.1");
  EXPECT_TRUE(h.last->has_header("host"));
  EXPECT_FALSE(h.last->has_header("X-Amz-Target"));
  EXPECT_EQ(h.last->body, body);
}

TEST(HttpServer, RoutesByPathAndMethod) {
  Harness h;
  h.start();
  Client client(h.port());
  auto health = client.send(bhttp::verb::get, "/_sagebox/health");
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_EQ(health.body(), "healthy");

  for (const char* target : {"/_sagebox/reset", "/_sagebox/reset/", "/moto-api/reset", "/moto-api/reset/",
                             "/moto-api/reset?x=1", "/_sagebox/reset/?a=b"}) {
    auto reset = client.send(bhttp::verb::post, target);
    EXPECT_EQ(reset.result_int(), 200) << target;
    EXPECT_EQ(reset.body(), "reset") << target;
  }
  EXPECT_EQ(h.resets, 6);

  auto wrong_method = client.send(bhttp::verb::get, "/_sagebox/reset");
  EXPECT_EQ(wrong_method.result_int(), 405);
  EXPECT_EQ(wrong_method["X-Test-Error"], "405");
  EXPECT_EQ(wrong_method[bhttp::field::allow], "POST");
  EXPECT_EQ(client.send(bhttp::verb::post, "/_sagebox/health").result_int(), 405);
  EXPECT_EQ(client.send(bhttp::verb::get, "/").result_int(), 405);
  EXPECT_EQ(client.send(bhttp::verb::post, "/_sagebox/nothing").result_int(), 404);
  EXPECT_EQ(h.api_calls, 0);
}

TEST(HttpServer, HeadResponseHasNoBodyAndKeepsTheStreamInSync) {
  Harness h;
  h.start();
  Client client(h.port());
  client.write_raw("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto head = client.read_head_response();
  EXPECT_EQ(head.result_int(), 405);
  EXPECT_NE(head[bhttp::field::content_length], "0");
  EXPECT_EQ(client.send(bhttp::verb::post, "/", "after").body(), "api:after");
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  Harness h;
  h.start();
  Client client(h.port());
  for (int i = 0; i < 3; ++i) {
    auto response = client.send(bhttp::verb::post, "/", "n" + std::to_string(i));
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response.body(), "api:n" + std::to_string(i));
    EXPECT_TRUE(response.keep_alive());
  }
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  Harness h;
  h.start();
  Client client(h.port());
  client.write_raw(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\naPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
      "1\r\n\r\nb");
  EXPECT_EQ(client.read_response().body(), "api:a");
  EXPECT_EQ(client.read_response().body(), "api:b");
}

TEST(HttpServer, BodyOverTheLimitGets413AndTheConnectionCloses) {
  Harness h;
  h.config.body_limit = 1024;
  h.start();
  {
    Client client(h.port());
    EXPECT_EQ(client.send(bhttp::verb::post, "/", std::string(1024, 'a')).result_int(), 200);
  }
  Client client(h.port());
  const auto response = client.send(bhttp::verb::post, "/", std::string(4096, 'a'));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response["X-Test-Error"], "413");
  EXPECT_NE(response.body().find("1024"), std::string::npos) << response.body();
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(h.api_calls, 1);
}

TEST(HttpServer, ARouteWithItsOwnBodyLimitTakesBodiesOverTheDefault) {
  Harness h;
  h.config.body_limit = 1024 * 1024;
  h.more_routes = [](Router& router) {
    router.add(
        "POST", "/big/{name}",
        [](const Request& request, const PathParams& params) {
          return text(200, params.at("name") + ":" + std::to_string(request.body.size()));
        },
        std::size_t{3 * 1024 * 1024});
  };
  h.start();
  const std::string two_mib(2 * 1024 * 1024, 'b');
  {
    Client client(h.port());
    const auto response = client.send(bhttp::verb::post, "/big/x", two_mib);
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response.body(), "x:" + std::to_string(two_mib.size()));
    EXPECT_TRUE(response.keep_alive());
  }
  {
    Client client(h.port());
    const auto response = client.send(bhttp::verb::post, "/", two_mib);
    EXPECT_EQ(response.result_int(), 413);
    EXPECT_NE(response.body().find(std::to_string(1024 * 1024)), std::string::npos) << response.body();
    EXPECT_TRUE(client.closed_by_server());
  }
  {
    Client client(h.port());
    const auto response = client.send(bhttp::verb::post, "/big/x", std::string(4 * 1024 * 1024, 'c'));
    EXPECT_EQ(response.result_int(), 413);
    EXPECT_NE(response.body().find(std::to_string(3 * 1024 * 1024)), std::string::npos) << response.body();
  }
  EXPECT_EQ(h.api_calls, 0);
}

TEST(HttpServer, ARouteWithASmallerBodyLimitRefusesBodiesTheDefaultTakes) {
  Harness h;
  h.config.body_limit = 1024;
  h.more_routes = [](Router& router) {
    router.add(
        "POST", "/small", [](const Request&, const PathParams&) { return text(200, "small"); },
        std::size_t{16});
  };
  h.start();
  {
    Client client(h.port());
    EXPECT_EQ(client.send(bhttp::verb::post, "/small", std::string(16, 's')).body(), "small");
    EXPECT_EQ(client.send(bhttp::verb::post, "/", std::string(512, 's')).result_int(), 200);
    EXPECT_EQ(client.send(bhttp::verb::post, "/small", std::string(17, 's')).result_int(), 413);
    EXPECT_TRUE(client.closed_by_server());
  }
}

TEST(HttpServer, ExpectContinueIsNotSentForABodyOverTheRoutesLimit) {
  Harness h;
  h.config.body_limit = 16;
  h.start();
  Client client(h.port());
  client.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\nExpect: 100-continue\r\n\r\n");
  const auto response = client.read_response();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_TRUE(client.closed_by_server());
}

TEST(HttpServer, ChunkedBodyOverTheLimitGets413) {
  Harness h;
  h.config.body_limit = 16;
  h.more_routes = [](Router& router) {
    router.add(
        "POST", "/roomy", [](const Request& request, const PathParams&) { return text(200, request.body); },
        std::size_t{64});
  };
  h.start();
  const auto chunked_post = [](std::string_view target) {
    return "POST " + std::string(target) +
           " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + std::string(32, 'z') +
           "\r\n0\r\n\r\n";
  };
  Client client(h.port());
  client.write_raw(chunked_post("/roomy"));  // the route's own limit, over the default
  EXPECT_EQ(client.read_response().body(), std::string(32, 'z'));
  client.write_raw(chunked_post("/"));
  EXPECT_EQ(client.read_response().result_int(), 413);
  EXPECT_TRUE(client.closed_by_server());
}

TEST(HttpServer, MalformedRequestGets400AndTheConnectionCloses) {
  Harness h;
  h.start();
  Client client(h.port());
  client.write_raw("POST /\x01 HTTP/1.1\r\n\r\n");
  const auto response = client.read_response();
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(response["X-Test-Error"], "400");
  EXPECT_TRUE(client.closed_by_server());
}

TEST(HttpServer, ExpectContinueIsHonoured) {
  Harness h;
  h.start();
  Client client(h.port());
  client.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  std::string interim(25, '\0');
  net::read(client.stream().socket(), net::buffer(interim));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  client.write_raw("hello");
  EXPECT_EQ(client.read_response().body(), "api:hello");
}

TEST(HttpServer, ThrowingHandlerGives500AndServerKeepsServing) {
  Harness h;
  h.start();
  Client client(h.port());
  const auto failed = client.send(bhttp::verb::post, "/", "boom");
  EXPECT_EQ(failed.result_int(), 500);
  EXPECT_EQ(failed["X-Test-Error"], "500");
  EXPECT_NE(failed.body().find("boom"), std::string::npos);
  EXPECT_EQ(client.send(bhttp::verb::post, "/", "fine").body(), "api:fine");
  Client other(h.port());
  EXPECT_EQ(other.send(bhttp::verb::post, "/", "fine").result_int(), 200);
}

TEST(HttpServer, ThrowingErrorRouteStillAnswers) {
  Harness h;
  h.error = [](int, std::string_view) -> Response { throw std::runtime_error("no"); };
  h.start();
  Client client(h.port());
  const auto response = client.send(bhttp::verb::post, "/", "boom");
  EXPECT_EQ(response.result_int(), 500);
}

TEST(HttpServer, IdleKeptAliveConnectionIsClosedAfterIdleTimeout) {
  Harness h;
  h.config.idle_timeout = 1s;
  h.start();
  Client client(h.port());
  EXPECT_EQ(client.send(bhttp::verb::post, "/", "x").result_int(), 200);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_server(5s));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 800ms);
  EXPECT_LT(waited, 4s);
}

TEST(HttpServer, IncompleteRequestIsDroppedAfterReadTimeout) {
  Harness h;
  h.config.read_timeout = 1s;
  h.start();
  Client client(h.port());
  client.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_TRUE(client.closed_by_server(5s));
}

TEST(HttpServer, Http10RequestWorksAndCloses) {
  Harness h;
  h.start();
  Client client(h.port());
  const auto response = client.send(bhttp::verb::post, "/", "old", 10);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "api:old");
  EXPECT_TRUE(client.closed_by_server());
}

TEST(HttpServer, Http10KeepAliveIsHonoured) {
  Harness h;
  h.start();
  Client client(h.port());
  bhttp::request<bhttp::string_body> request{bhttp::verb::post, "/", 10};
  request.keep_alive(true);
  request.body() = "a";
  auto first = client.send(request);
  EXPECT_TRUE(first.keep_alive());
  EXPECT_EQ(client.send(request).body(), "api:a");
}

TEST(HttpServer, StopLetsAnInFlightRequestFinish) {
  Harness h;
  h.start();
  std::optional<bhttp::response<bhttp::string_body>> response;
  std::thread client_thread([&] {
    Client client(h.port());
    response = client.send(bhttp::verb::post, "/", "slow");
  });
  while (!h.slow_entered) std::this_thread::sleep_for(5ms);
  const auto took = h.stop_and_join();
  client_thread.join();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "api:slow");
  EXPECT_FALSE(response->keep_alive());
  EXPECT_LT(took, 5s);
}

TEST(HttpServer, StopClosesIdleConnectionsPromptly) {
  Harness h;
  h.start();
  Client client(h.port());
  EXPECT_EQ(client.send(bhttp::verb::post, "/", "x").result_int(), 200);
  const auto took = h.stop_and_join();
  EXPECT_LT(took, 2s);
  EXPECT_TRUE(client.closed_by_server(2s));
}

TEST(HttpServer, GraceExpiryClosesStuckRequests) {
  Harness h;
  h.config.shutdown_grace = 1s;
  h.start();
  Client client(h.port());
  client.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");  // never completed
  std::this_thread::sleep_for(100ms);
  const auto took = h.stop_and_join();
  EXPECT_GE(took, 800ms);
  EXPECT_LT(took, 4s);
}

TEST(HttpServer, StopBeforeAnyConnectionReturnsPromptly) {
  Harness h;
  h.start();
  std::this_thread::sleep_for(50ms);
  EXPECT_LT(h.stop_and_join(), 1s);
}

TEST(HttpServer, StopBeforeRunMakesRunReturn) {
  Harness h;
  h.server = std::make_unique<Server>(h.config, h.make_router());
  h.server->stop();
  h.server->stop();  // idempotent
  const auto started = std::chrono::steady_clock::now();
  h.server->run();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST(HttpServer, StopFromAHandler) {
  Harness h;
  h.start();
  Client client(h.port());
  const auto response = client.send(bhttp::verb::post, "/", "stop");
  EXPECT_EQ(response.result_int(), 200);
  h.thread.join();  // run() returns by itself
}

TEST(HttpServer, ConstructWithoutRunIsSafe) {
  Harness h;
  h.server = std::make_unique<Server>(h.config, h.make_router());
  EXPECT_NE(h.server->port(), 0);
}

TEST(HttpServer, BindConflictThrows) {
  Harness h;
  h.start();
  Config second = h.config;
  second.port = h.port();
  try {
    Server other(second, h.make_router());
    FAIL() << "expected a bind failure";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot listen on 127.0.0.1:" + std::to_string(h.port())), std::string::npos) << what;
    EXPECT_NE(what.find("in use"), std::string::npos) << what;
  }
}

TEST(HttpServer, ManyConcurrentClients) {
  Harness h;
  h.config.threads = 4;
  h.start();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      Client client(h.port());
      for (int i = 0; i < 20; ++i) {
        const std::string body = std::to_string(c) + "-" + std::to_string(i);
        if (client.send(bhttp::verb::post, "/", body).body() == "api:" + body) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 160);
}

// A connection over the cap gets 503 at once, unasked, then is closed; closing a served one makes room again.
TEST(HttpServer, ConnectionsOverTheCapGet503AndClose) {
  Harness h;
  h.config.max_connections = 2;
  h.start();
  auto idle_a = std::make_unique<Client>(h.port());
  Client idle_b(h.port());  // both idle: connected, nothing sent; they count all the same
  Client over(h.port());
  const auto refused = over.read_response();
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_EQ(refused["X-Test-Error"], "503");
  EXPECT_EQ(refused.body(), "error:Too many connections (limit 2)");
  EXPECT_EQ(refused[bhttp::field::retry_after], "1");
  EXPECT_FALSE(refused.keep_alive());
  EXPECT_TRUE(over.closed_by_server());
  EXPECT_EQ(h.api_calls, 0);

  idle_a.reset();  // the server notices the close and frees the slot
  std::optional<int> status;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    Client fresh(h.port());
    status = fresh.send(bhttp::verb::post, "/", "room").result_int();
    if (status == 200) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, 200);
}

// The refused client may have sent its request already: it must still read the 503, not a reset.
TEST(HttpServer, RefusedClientThatAlreadySentARequestReadsThe503) {
  Harness h;
  h.config.max_connections = 1;
  h.start();
  Client served(h.port());
  EXPECT_EQ(served.send(bhttp::verb::post, "/", "first").result_int(), 200);
  for (int i = 0; i < 3; ++i) {
    Client over(h.port());
    const auto response = over.send(bhttp::verb::post, "/", std::string(32 * 1024, 'x'));
    EXPECT_EQ(response.result_int(), 503);
    EXPECT_TRUE(over.closed_by_server());
  }
  EXPECT_EQ(served.send(bhttp::verb::post, "/", "still").body(), "api:still");
  EXPECT_EQ(h.api_calls, 2);
}

TEST(HttpServer, StopClosesConnectionsBeingRefused) {
  Harness h;
  h.config.max_connections = 1;
  h.start();
  Client served(h.port());
  Client over(h.port());
  EXPECT_EQ(over.read_response().result_int(), 503);  // and the server now lingers on it
  EXPECT_LT(h.stop_and_join(), 2s);
}

TEST(HttpServer, EmptyLinesBeforeTheRequestLineAreIgnored) {
  Harness h;
  h.start();
  Client client(h.port());
  client.write_raw("\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na\r\n");
  EXPECT_EQ(client.read_response().body(), "api:a");
  client.write_raw("\r\n");
  std::this_thread::sleep_for(50ms);  // the empty line alone, then the request in a later read
  client.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nb");
  EXPECT_EQ(client.read_response().body(), "api:b");
}

TEST(HttpServer, AbsurdMethodGets405WithoutEchoingItWhole) {
  Harness h;
  h.start();
  Client client(h.port());
  client.write_raw(std::string(8000, 'X') + " / HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto response = client.read_response();
  EXPECT_EQ(response.result_int(), 405);
  EXPECT_EQ(response.body(), "error:Method " + std::string(32, 'X') + "... is not allowed here; use POST");
  EXPECT_EQ(client.send(bhttp::verb::post, "/", "next").body(), "api:next");
}

// ---------------------------------------------------------------------------------------------------------------
// The router alone: which route takes which request.

Request request_for(std::string method, std::string target) {
  Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  return request;
}

// A handler that answers its name and its parameters: "name k=v ...".
Handler named(std::string name) {
  return [name = std::move(name)](const Request&, const PathParams& params) {
    std::string body = name;
    for (const auto& [key, value] : params) body += " " + key + "=" + value;
    return Reply(text(200, body));
  };
}

Response error_text(int status, std::string_view message) { return text(status, "error:" + std::string(message)); }

TEST(Router, TheMostSpecificPatternTakesThePath) {
  Router router(error_text);
  router.add("POST", "/**", named("api"));
  router.add("*", "/admin/**", named("admin-any"));
  router.add("GET", "/admin/faults", named("faults"));
  router.add("DELETE", "/admin/faults/{id}", named("fault"));
  router.add("GET", "/admin/faults/{id}/log", named("log"));
  router.add("GET", "/admin/faults/all", named("all"));
  const auto body = [&router](std::string method, std::string target) {
    return router.route(request_for(std::move(method), std::move(target))).response.body;
  };
  EXPECT_EQ(body("POST", "/"), "api");
  EXPECT_EQ(body("POST", "/base/path?x=1"), "api");
  EXPECT_EQ(body("POST", "/administrator"), "api");
  EXPECT_EQ(body("POST", "//admin/faults"), "api");
  EXPECT_EQ(body("POST", "http://host/admin/faults"), "api");  // absolute form: only "/**" takes it
  EXPECT_EQ(body("POST", "*"), "api");
  EXPECT_EQ(body("PUT", "/admin"), "admin-any");
  EXPECT_EQ(body("POST", "/admin/other/deeper"), "admin-any");
  EXPECT_EQ(body("GET", "/admin/faults"), "faults");
  EXPECT_EQ(body("GET", "/admin/faults/?x=1"), "faults");
  EXPECT_EQ(body("DELETE", "/admin/faults/fault-7"), "fault id=fault-7");
  EXPECT_EQ(body("DELETE", "/admin/faults/fault-7/"), "fault id=fault-7");
  EXPECT_EQ(body("GET", "/admin/faults/x/log"), "log id=x");
  EXPECT_EQ(body("GET", "/admin/faults/all"), "all");  // literal before {id}
  EXPECT_EQ(body("POST", "/admin/faults//log"), "admin-any");  // {id} takes no empty segment
  EXPECT_EQ(body("POST", "/admin/faults/x/log/more"), "admin-any");
}

TEST(Router, AMethodWithoutARouteGets405NamingThePatternsMethods) {
  Router router(error_text);
  router.add("GET", "/faults", named("list"));
  router.add("POST", "/faults", named("add"));
  router.add("DELETE", "/faults", named("clear"));
  router.add("POST", "/**", named("api"));
  const Reply reply = router.route(request_for("PUT", "/faults"));
  EXPECT_EQ(reply.action, Reply::Action::kRespond);
  EXPECT_EQ(reply.response.status, 405);
  EXPECT_EQ(reply.response.body, "error:Method PUT is not allowed here; use GET, POST, DELETE");
  ASSERT_EQ(reply.response.headers.size(), 1u);
  EXPECT_EQ(reply.response.headers[0], std::make_pair(std::string("Allow"), std::string("GET, POST, DELETE")));
  // The pattern that took the path answers, even though a less specific one has the method.
  EXPECT_EQ(router.route(request_for("HEAD", "/faults")).response.status, 405);
  EXPECT_EQ(router.route(request_for("GET", "/elsewhere")).response.body,
            "error:Method GET is not allowed here; use POST");
}

TEST(Router, NoMatchingPatternGets404) {
  Router router(error_text);
  router.add("GET", "/", named("root"));
  router.add("GET", "/a/{x}", named("a"));
  EXPECT_EQ(router.route(request_for("GET", "/")).response.body, "root");
  EXPECT_EQ(router.route(request_for("GET", "/?q")).response.body, "root");
  const Reply missing = router.route(request_for("GET", "/a"));
  EXPECT_EQ(missing.response.status, 404);
  EXPECT_EQ(missing.response.body, "error:No route for /a");
  EXPECT_EQ(router.route(request_for("GET", "/a/b/c")).response.status, 404);
}

TEST(Router, ABodyLimitBelongsToTheRouteThatWouldTakeTheRequest) {
  Router router(error_text);
  router.add("POST", "/**", named("api"));
  router.add("POST", "/endpoints/{name}/invocations", named("invoke"), std::size_t{6});
  router.add("*", "/admin/**", named("admin-any"), std::size_t{7});
  router.add("GET", "/admin/state", named("state"));
  EXPECT_EQ(router.body_limit("POST", "/endpoints/e/invocations"), 6u);
  EXPECT_EQ(router.body_limit("POST", "/endpoints/e/invocations/?x=1"), 6u);
  EXPECT_EQ(router.body_limit("POST", "/endpoints/e/other"), std::nullopt);  // "/**": no limit of its own
  EXPECT_EQ(router.body_limit("PUT", "/admin/anything"), 7u);                // the "*" route
  EXPECT_EQ(router.body_limit("GET", "/admin/state"), std::nullopt);         // its own route, no limit
  EXPECT_EQ(router.body_limit("POST", "/admin/state"), std::nullopt);        // 405: the server's default
  EXPECT_EQ(router.body_limit("GET", "/endpoints/e/invocations"), std::nullopt);
  EXPECT_EQ(Router(error_text).body_limit("POST", "/"), std::nullopt);  // 404
}

TEST(Router, BadRegistrationsThrow) {
  Router router(error_text);
  router.add("GET", "/a/{id}", named("a"));
  router.add("POST", "/a/{id}", named("a"));  // another method on the same pattern
  for (const char* pattern : {"", "a", "/a/", "//a", "/a//b", "/**/a", "/a*", "/{}", "/{a-b}", "/a{b}", "/***"}) {
    EXPECT_THROW(router.add("GET", pattern, named("x")), std::invalid_argument) << pattern;
  }
  EXPECT_THROW(router.add("GET", "/a/{id}", named("again")), std::invalid_argument);
  try {
    router.add("DELETE", "/a/{name}", named("other name"));
    FAIL() << "expected a conflict";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "route pattern '/a/{name}' matches the same paths as '/a/{id}'");
  }
}

TEST(Router, ErrorFallsBackToPlainTextWhenTheBuilderFails) {
  Router router([](int, std::string_view) -> Response { throw std::runtime_error("no"); });
  const Response response = router.error(413, "too big");
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.content_type, "text/plain");
  EXPECT_EQ(response.body, "too big\n");
}

TEST(QueryParams, PairsInOrderDecodedAsFormsWriteThem) {
  using sagebox::http::query_params;
  using sagebox::http::QueryParams;
  EXPECT_EQ(query_params("/a"), QueryParams{});
  EXPECT_EQ(query_params("/a?"), QueryParams{});
  EXPECT_EQ(query_params("/a?x=1&y=two&x=3"), (QueryParams{{"x", "1"}, {"y", "two"}, {"x", "3"}}));
  EXPECT_EQ(query_params("/a?&&flag&empty=&=v&"), (QueryParams{{"flag", ""}, {"empty", ""}, {"", "v"}}));
  EXPECT_EQ(query_params("/a?since=2026-12-04T10%3A15%3A30%2B02%3A00&q=a+b%20c"),
            (QueryParams{{"since", "2026-12-04T10:15:30+02:00"}, {"q", "a b c"}}));
  EXPECT_EQ(query_params("/a?k%3D=v%3d%26w&%41=%e2%82%ac"),
            (QueryParams{{"k=", "v=&w"}, {"A", "\xe2\x82\xac"}}));
  EXPECT_EQ(query_params("/a?v=%00%ff"), (QueryParams{{"v", std::string("\0\xff", 2)}}));
  EXPECT_EQ(query_params("/a?x=1?y=2"), (QueryParams{{"x", "1?y=2"}}));  // the first '?' begins the query
  for (const char* malformed : {"/a?x=%", "/a?x=%4", "/a?x=%4g", "/a?%zz=1", "/a?ok=1&bad=%%41"}) {
    EXPECT_EQ(query_params(malformed), std::nullopt) << malformed;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Replies that wait or drop the connection.

TEST(HttpServer, ADelayedReplyHoldsNoThread) {
  Harness h;
  h.config.threads = 1;  // one event loop: a sleeping handler would stall every connection
  std::atomic<int> thens{0};
  h.more_routes = [&thens](Router& router) {
    router.add("POST", "/pause/{ms}", [&thens](const Request& request, const PathParams& params) {
      Reply reply;
      reply.delay = std::chrono::milliseconds(std::stoi(params.at("ms")));
      reply.then = [&thens, body = request.body] {
        ++thens;
        return Reply(text(200, "after:" + body));
      };
      return reply;
    });
  };
  h.start();
  std::optional<bhttp::response<bhttp::string_body>> paused;
  std::chrono::steady_clock::duration paused_for{};
  std::thread slow([&] {
    const auto started = std::chrono::steady_clock::now();
    Client client(h.port());
    paused = client.send(bhttp::verb::post, "/pause/600", "x");
    paused_for = std::chrono::steady_clock::now() - started;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(thens, 0);
  Client other(h.port());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(other.send(bhttp::verb::post, "/", "meanwhile").body(), "api:meanwhile");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 300ms);
  slow.join();
  ASSERT_TRUE(paused.has_value());
  EXPECT_EQ(paused->body(), "after:x");
  EXPECT_TRUE(paused->keep_alive());
  EXPECT_GE(paused_for, 550ms);
  EXPECT_EQ(thens, 1);
}

TEST(HttpServer, RepliesThatCloseOrResetTheConnection) {
  Harness h;
  h.more_routes = [](Router& router) {
    router.add("POST", "/drop/{how}", [](const Request&, const PathParams& params) {
      Reply reply;
      reply.action = params.at("how") == "reset" ? Reply::Action::kReset : Reply::Action::kClose;
      reply.delay = 50ms;
      return reply;
    });
  };
  h.start();
  for (const std::string how : {"close", "reset"}) {
    Client client(h.port());
    bhttp::request<bhttp::string_body> request{bhttp::verb::post, "/drop/" + how, 11};
    request.prepare_payload();
    bhttp::write(client.stream(), request);
    char byte;
    beast::error_code ec;
    client.stream().read_some(net::buffer(&byte, 1), ec);
    EXPECT_EQ(ec, how == "reset" ? beast::error_code(net::error::connection_reset)
                                 : beast::error_code(net::error::eof))
        << how << ": " << ec.message();
  }
  Client after(h.port());
  EXPECT_EQ(after.send(bhttp::verb::post, "/", "still").body(), "api:still");
}

TEST(HttpServer, AThrowingThenGets500) {
  Harness h;
  h.more_routes = [](Router& router) {
    router.add("POST", "/late", [](const Request&, const PathParams&) {
      Reply reply;
      reply.then = []() -> Reply { throw std::runtime_error("late failure"); };
      return reply;
    });
  };
  h.start();
  Client client(h.port());
  const auto response = client.send(bhttp::verb::post, "/late");
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_EQ(response.body(), "error:Internal error: late failure");
  EXPECT_EQ(client.send(bhttp::verb::post, "/", "next").body(), "api:next");
}

TEST(HttpServer, StopWaitsForAPausedReplyUpToTheGrace) {
  Harness h;
  h.config.shutdown_grace = 1s;
  h.more_routes = [](Router& router) {
    router.add("POST", "/pause/{ms}", [](const Request&, const PathParams& params) {
      Reply reply(text(200, "late"));
      reply.delay = std::chrono::milliseconds(std::stoi(params.at("ms")));
      return reply;
    });
  };
  h.start();
  std::optional<bhttp::response<bhttp::string_body>> short_pause;
  bool long_pause_closed = false;
  std::thread short_client([&] {
    Client client(h.port());
    short_pause = client.send(bhttp::verb::post, "/pause/300");
  });
  std::thread long_client([&] {
    Client client(h.port());
    client.write_raw("POST /pause/60000 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    long_pause_closed = client.closed_by_server(10s);
  });
  std::this_thread::sleep_for(100ms);
  const auto took = h.stop_and_join();
  short_client.join();
  long_client.join();
  ASSERT_TRUE(short_pause.has_value());
  EXPECT_EQ(short_pause->body(), "late");
  EXPECT_FALSE(short_pause->keep_alive());
  EXPECT_TRUE(long_pause_closed);
  EXPECT_GE(took, 800ms);
  EXPECT_LT(took, 4s);
}

}  // namespace

// `later` is given the connection's own loop: work posted to it runs on the thread that handled the request,
// and the reply handed over from there is carried out.
TEST(HttpServer, ALaterReplyRunsOnTheConnectionsLoop) {
  Harness h;
  h.config.threads = 2;
  std::mutex mutex;
  std::vector<std::pair<std::thread::id, std::thread::id>> threads;  // handler's, work's
  h.more_routes = [&](Router& router) {
    router.add("POST", "/on-loop", [&](const Request&, const PathParams&) {
      Reply reply;
      reply.later = [&, handler = std::this_thread::get_id()](const Loop& loop, std::function<void(Reply)> done) {
        net::post(loop, [&, handler, done = std::move(done)] {
          {
            std::lock_guard lock(mutex);
            threads.emplace_back(handler, std::this_thread::get_id());
          }
          done(Reply(text(200, "on-loop")));
        });
      };
      return reply;
    });
  };
  h.start();
  for (int i = 0; i < 4; ++i) {
    Client client(h.port());
    EXPECT_EQ(client.send(bhttp::verb::post, "/on-loop").body(), "on-loop");
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(threads.size(), 4u);
  for (const auto& [handler, work] : threads) EXPECT_EQ(handler, work);
}

// A reply handed over later, from another thread, holds no thread of the server meanwhile.
TEST(HttpServer, AReplyHandedOverLaterFromAnotherThreadHoldsNoThread) {
  Harness h;
  h.config.threads = 1;
  std::mutex mutex;
  std::vector<std::thread> workers;
  h.more_routes = [&](Router& router) {
    router.add("POST", "/later/{ms}", [&](const Request& request, const PathParams& params) {
      Reply reply;
      const auto wait = std::chrono::milliseconds(std::stoi(params.at("ms")));
      reply.later = [&, wait, body = request.body](const Loop&, std::function<void(Reply)> done) {
        std::lock_guard lock(mutex);
        workers.emplace_back([wait, body, done = std::move(done)] {
          std::this_thread::sleep_for(wait);
          Reply next(text(200, "later:" + body));
          next.delay = 10ms;  // a handed-over reply is carried out like any other
          done(std::move(next));
        });
      };
      return reply;
    });
    router.add("POST", "/later-throws", [](const Request&, const PathParams&) {
      Reply reply;
      reply.later = [](const Loop&, std::function<void(Reply)>) { throw std::runtime_error("could not start"); };
      return reply;
    });
  };
  h.start();
  std::optional<bhttp::response<bhttp::string_body>> waited;
  std::thread slow([&] {
    Client client(h.port());
    waited = client.send(bhttp::verb::post, "/later/500", "x");
    EXPECT_EQ(client.send(bhttp::verb::post, "/", "again").body(), "api:again");  // the connection goes on
  });
  std::this_thread::sleep_for(100ms);
  Client other(h.port());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(other.send(bhttp::verb::post, "/", "meanwhile").body(), "api:meanwhile");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 300ms);
  slow.join();
  ASSERT_TRUE(waited.has_value());
  EXPECT_EQ(waited->body(), "later:x");
  const auto failed = other.send(bhttp::verb::post, "/later-throws");
  EXPECT_EQ(failed.result_int(), 500);
  EXPECT_EQ(failed.body(), "error:Internal error: could not start");
  std::lock_guard lock(mutex);
  for (auto& worker : workers) worker.join();
}
