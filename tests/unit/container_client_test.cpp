// Tests of runtime/container_client: ContainerUrl::parse, and the client against a small container of the test's
// own (Beast, synchronous, one thread per connection) over real sockets on 127.0.0.1.
#include "sagebox/runtime/container_client.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using sagebox::runtime::BackendFailure;
using sagebox::runtime::BackendResult;
using sagebox::runtime::ContainerClient;
using sagebox::runtime::ContainerUrl;
using sagebox::runtime::Invocation;
using sagebox::runtime::ModelAnswer;
using namespace std::chrono_literals;

constexpr std::size_t kAnswerLimit = 6 * 1024 * 1024;

// What the container saw of one request.
struct SeenRequest {
  std::string method;
  std::string target;
  std::string host;
  std::string content_type;
  std::string accept;
  std::string custom_attributes;
  std::string inference_id;
  bool has_content_type = false;
  bool has_accept = false;
  bool has_custom_attributes = false;
  bool has_inference_id = false;
  std::string body;
};

// A model container for the tests. What it does depends on the base path of the call (the target without its
// "/invocations" or "/ping"):
//   (any other)       /invocations echoes: 200, the request's Content-Type, body and custom attributes;
//                     /ping answers 200
//   /status/<code>    answers <code> with the body "status <code>"
//   /slow             answers only when the server stops (or after 5 s)
//   /close            echoes, as keep-alive, then closes the connection
//   /drop-second      echoes the first request of a connection, reads the second and closes unanswered
//   /drop             closes the connection unanswered
//   /garbage          answers with bytes that are not HTTP
//   /size/<n>         answers 200 with a body of n bytes and its Content-Length
//   /chunked/<n>      answers 200 with a body of n bytes in chunks of 64 KiB (the first with an extension)
class FakeContainer {
 public:
  FakeContainer() : acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~FakeContainer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (const auto& socket : sockets_) ::shutdown(socket->native_handle(), SHUT_RDWR);
    }
    stopped_.notify_all();
    // The accept loop is in a blocking accept: a connection wakes it up to see `stopping_`.
    net::io_context io;
    tcp::socket wake(io);
    boost::system::error_code ignored;
    wake.connect(acceptor_.local_endpoint(), ignored);
    accept_thread_.join();
    for (auto& thread : connection_threads_) thread.join();
  }

  std::string url(const std::string& base_path = "") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + base_path;
  }
  ContainerUrl container_url(const std::string& base_path = "") const { return *ContainerUrl::parse(url(base_path)); }

  int connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
  }
  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // Waits (up to 5 s) until the container has read `count` requests.
  bool wait_for_requests(std::size_t count) {
    std::unique_lock lock(mutex_);
    return request_seen_.wait_for(lock, 5s, [&] { return requests_.size() >= count; });
  }

 private:
  using Request = bhttp::request<bhttp::string_body>;
  using Response = bhttp::response<bhttp::string_body>;

  void accept_loop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (ec) continue;
      ++connections_;
      sockets_.push_back(socket);
      connection_threads_.emplace_back([this, socket] {
        serve(*socket);
        std::lock_guard lock(mutex_);
        boost::system::error_code ignored;
        socket->close(ignored);
      });
    }
  }

  void serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    for (int on_this_connection = 1;; ++on_this_connection) {
      Request request;
      boost::system::error_code ec;
      bhttp::read(socket, buffer, request, ec);
      if (ec) return;
      record(request);
      std::string target(request.target());
      for (std::string_view suffix : {"/invocations", "/ping"}) {
        if (target.ends_with(suffix)) target.resize(target.size() - suffix.size());
      }
      const bool ping = request.target().ends_with("/ping");
      if (target == "/drop" || (target == "/drop-second" && on_this_connection == 2)) return;
      if (target == "/garbage") {
        net::write(socket, net::buffer(std::string_view("hello\r\n\r\n")), ec);
        return;
      }
      if (target == "/slow") {
        std::unique_lock lock(mutex_);
        stopped_.wait_for(lock, 5s, [this] { return stopping_; });
        return;
      }
      if (target.starts_with("/chunked/")) {
        write_chunked(socket, std::stoul(target.substr(9)));
        continue;
      }
      Response response{bhttp::status::ok, 11};
      if (target.starts_with("/status/")) {
        response.result(std::stoi(target.substr(8)));
        response.body() = "status " + target.substr(8);
      } else if (target.starts_with("/size/")) {
        response.body().assign(std::stoul(target.substr(6)), 'x');
      } else if (!ping) {
        if (request.count(bhttp::field::content_type))
          response.set(bhttp::field::content_type, request[bhttp::field::content_type]);
        if (request.count("X-Amzn-SageMaker-Custom-Attributes")) {
          response.set("X-Amzn-SageMaker-Custom-Attributes", request["X-Amzn-SageMaker-Custom-Attributes"]);
        }
        response.body() = request.body();
      }
      response.prepare_payload();
      bhttp::write(socket, response, ec);
      if (ec || target == "/close") return;
    }
  }

  static void write_chunked(tcp::socket& socket, std::size_t size) {
    constexpr std::size_t kChunk = 64 * 1024;
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
    boost::system::error_code ec;
    net::write(socket, net::buffer(head), ec);
    for (std::size_t sent = 0; sent < size && !ec; sent += kChunk) {
      const std::size_t length = std::min(kChunk, size - sent);
      char size_line[32];
      std::snprintf(size_line, sizeof size_line, sent == 0 ? "%zx;first=yes\r\n" : "%zx\r\n", length);
      const std::string chunk = size_line + std::string(length, 'c') + "\r\n";
      net::write(socket, net::buffer(chunk), ec);
    }
    if (!ec) net::write(socket, net::buffer(std::string_view("0\r\n\r\n")), ec);
  }

  void record(const Request& request) {
    SeenRequest seen;
    seen.method = std::string(request.method_string());
    seen.target = std::string(request.target());
    seen.host = std::string(request[bhttp::field::host]);
    seen.has_content_type = request.count(bhttp::field::content_type) > 0;
    seen.content_type = std::string(request[bhttp::field::content_type]);
    seen.has_accept = request.count(bhttp::field::accept) > 0;
    seen.accept = std::string(request[bhttp::field::accept]);
    seen.has_custom_attributes = request.count("X-Amzn-SageMaker-Custom-Attributes") > 0;
    seen.custom_attributes = std::string(request["X-Amzn-SageMaker-Custom-Attributes"]);
    seen.has_inference_id = request.count("X-Amzn-SageMaker-Inference-Id") > 0;
    seen.inference_id = std::string(request["X-Amzn-SageMaker-Inference-Id"]);
    seen.body = request.body();
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(seen));
    request_seen_.notify_all();
  }

  net::io_context io_;
  tcp::acceptor acceptor_;
  std::thread accept_thread_;
  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  std::condition_variable request_seen_;
  bool stopping_ = false;
  int connections_ = 0;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> connection_threads_;
  std::vector<SeenRequest> requests_;
};

Invocation invocation_of(std::string body) {
  Invocation invocation;
  invocation.endpoint = "ep";
  invocation.variant = "AllTraffic";
  invocation.body = std::move(body);
  return invocation;
}

// Calls and waits for the result (at most 10 s: a test that gets none fails instead of hanging).
BackendResult call(ContainerClient& client, const ContainerUrl& url, const Invocation& invocation) {
  auto result = std::make_shared<std::promise<BackendResult>>();
  auto future = result->get_future();
  client.invoke(url, invocation, [result](BackendResult r) { result->set_value(std::move(r)); });
  if (future.wait_for(10s) != std::future_status::ready) {
    ADD_FAILURE() << "no result within 10 s";
    return BackendFailure{BackendFailure::Kind::kUnreachable, "the test got no result"};
  }
  return future.get();
}

ModelAnswer answer_of(const BackendResult& result) {
  if (const auto* failure = std::get_if<BackendFailure>(&result)) {
    ADD_FAILURE() << "a failure instead of an answer: " << failure->detail;
    return {};
  }
  return std::get<ModelAnswer>(result);
}

BackendFailure failure_of(const BackendResult& result) {
  if (const auto* answer = std::get_if<ModelAnswer>(&result)) {
    ADD_FAILURE() << "an answer instead of a failure: status " << answer->status;
    return {};
  }
  return std::get<BackendFailure>(result);
}

// A port on which nothing listens: bound by the test, then closed.
std::string closed_port_url() {
  net::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return "http://127.0.0.1:" + std::to_string(port);
}

// ---------------------------------------------------------------------------------------------------------------
// ContainerUrl::parse

TEST(ContainerUrl, TakesHostPortAndBasePath) {
  struct Case {
    const char* url;
    const char* host;
    const char* port;
    const char* base_path;
  };
  for (const Case& c :
       {Case{"http://localhost:8080", "localhost", "8080", ""},
        Case{"http://127.0.0.1:9000/v1", "127.0.0.1", "9000", "/v1"}, Case{"http://[::1]:8080", "::1", "8080", ""},
        Case{"http://model", "model", "80", ""},
        Case{"http://my_model-1.local:8080/a/b", "my_model-1.local", "8080", "/a/b"},
        // Trailing slashes go: "<base_path>/invocations" has none doubled.
        Case{"http://model:8080/", "model", "8080", ""}, Case{"http://model:8080/v1/", "model", "8080", "/v1"},
        Case{"http://model:8080/v1//", "model", "8080", "/v1"}, Case{"http://[::1]/", "::1", "80", ""}}) {
    const auto url = ContainerUrl::parse(c.url);
    ASSERT_TRUE(url) << c.url;
    EXPECT_EQ(url->host, c.host) << c.url;
    EXPECT_EQ(url->port, c.port) << c.url;
    EXPECT_EQ(url->base_path, c.base_path) << c.url;
    EXPECT_EQ(url->text, c.url);
  }
}

TEST(ContainerUrl, SchemeIsCaseInsensitiveAndPortLosesLeadingZeros) {
  auto url = ContainerUrl::parse("HTTP://model:08080");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->text, "HTTP://model:08080");
}

TEST(ContainerUrl, RefusesAnythingElse) {
  // clang-format off
  for (const char* bad : {"", "https://model:8080", "ftp://model", "model:8080", "//model:8080", "http://",
                          "http://:8080", "http:///v1", "http://model:0", "http://model:70000", "http://model:abc",
                          "http://model:", "http://model:-1", "http://model:123456", "http://user@model:8080",
                          "http://user:pw@model", "http://model:8080?x=1", "http://model:8080/v1?x=1",
                          "http://model:8080#top", "http://model:8080/v1#top", "http://mo del:8080",
                          "http://model:8080/v 1", " http://model:8080", "http://model:8080 ", "http://[::1",
                          "http://[not-ipv6]:8080", "http://[::1]8080", "http://::1:8080", "http://model:80:80",
                          "http://mödel", "http://model/\x01"}) {
    // clang-format on
    EXPECT_FALSE(ContainerUrl::parse(bad)) << "accepted: " << bad;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ContainerClient

// A container and a client with the default timeout.
class ContainerClientTest : public ::testing::Test {
 protected:
  FakeContainer container;
  ContainerClient client;
};

TEST_F(ContainerClientTest, SendsTheContractsRequestAndReturnsTheAnswer) {
  Invocation invocation = invocation_of(R"({"instances":[1,2]})");
  invocation.content_type = "application/json";
  invocation.accept = "text/csv";
  invocation.custom_attributes = "trace=abc";
  invocation.inference_id = "id-1";

  const ModelAnswer answer = answer_of(call(client, container.container_url(), invocation));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.content_type, "application/json");
  EXPECT_EQ(answer.body, R"({"instances":[1,2]})");
  EXPECT_EQ(answer.custom_attributes, "trace=abc");

  const auto seen = container.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/invocations");
  EXPECT_EQ(seen[0].host, container.url().substr(7));
  EXPECT_EQ(seen[0].content_type, "application/json");
  EXPECT_EQ(seen[0].accept, "text/csv");
  EXPECT_EQ(seen[0].custom_attributes, "trace=abc");
  EXPECT_EQ(seen[0].inference_id, "id-1");
  EXPECT_EQ(seen[0].body, R"({"instances":[1,2]})");
}

TEST_F(ContainerClientTest, LeavesOutTheHeadersTheCallerDidNotSend) {
  const ModelAnswer answer = answer_of(call(client, container.container_url("/v1/"), invocation_of("")));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.content_type, "");
  EXPECT_EQ(answer.custom_attributes, "");
  EXPECT_EQ(answer.body, "");

  const auto seen = container.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/v1/invocations");
  EXPECT_FALSE(seen[0].has_content_type);
  EXPECT_FALSE(seen[0].has_accept);
  EXPECT_FALSE(seen[0].has_custom_attributes);
  EXPECT_FALSE(seen[0].has_inference_id);
}

TEST_F(ContainerClientTest, AnErrorStatusIsAnAnswer) {
  for (int status : {400, 500}) {
    const ModelAnswer answer =
        answer_of(call(client, container.container_url("/status/" + std::to_string(status)), invocation_of("x")));
    EXPECT_EQ(answer.status, status);
    EXPECT_EQ(answer.body, "status " + std::to_string(status));
  }
}

TEST_F(ContainerClientTest, ReadsAChunkedAnswer) {
  const ModelAnswer answer = answer_of(call(client, container.container_url("/chunked/200000"), invocation_of("")));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.content_type, "text/plain");
  EXPECT_EQ(answer.body, std::string(200000, 'c'));
  // The connection was kept: the next call uses it.
  answer_of(call(client, container.container_url(), invocation_of("again")));
  EXPECT_EQ(container.connections(), 1);
}

TEST_F(ContainerClientTest, TakesAnAnswerOfExactlySixMebibytes) {
  const ModelAnswer answer =
      answer_of(call(client, container.container_url("/size/" + std::to_string(kAnswerLimit)), invocation_of("")));
  EXPECT_EQ(answer.body.size(), kAnswerLimit);
}

TEST_F(ContainerClientTest, RefusesAnAnswerOverSixMebibytes) {
  for (const std::string base : {"/size/", "/chunked/"}) {
    const BackendFailure failure =
        failure_of(call(client, container.container_url(base + std::to_string(kAnswerLimit + 1)), invocation_of("")));
    EXPECT_EQ(failure.kind, BackendFailure::Kind::kTooLarge) << base;
    EXPECT_EQ(failure.detail, "the model's answer is larger than 6291456 bytes");
  }
  // Neither connection was kept: a third call needs a third one.
  answer_of(call(client, container.container_url(), invocation_of("")));
  EXPECT_EQ(container.connections(), 3);
}

TEST(ContainerClient, TimesOutAndClosesTheConnection) {
  FakeContainer container;
  ContainerClient client(300ms);
  const auto started = std::chrono::steady_clock::now();
  const BackendFailure failure = failure_of(call(client, container.container_url("/slow"), invocation_of("")));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(failure.kind, BackendFailure::Kind::kTimeout);
  EXPECT_EQ(failure.detail, "no answer within 300 ms");
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 2s);
  // The late connection is not reused.
  EXPECT_EQ(answer_of(call(client, container.container_url(), invocation_of("after"))).body, "after");
  EXPECT_EQ(container.connections(), 2);
}

TEST(ContainerClient, ARefusedConnectionIsUnreachable) {
  ContainerClient client;
  const BackendFailure failure = failure_of(call(client, *ContainerUrl::parse(closed_port_url()), invocation_of("")));
  EXPECT_EQ(failure.kind, BackendFailure::Kind::kUnreachable);
  EXPECT_EQ(failure.detail, "connection refused");
}

TEST_F(ContainerClientTest, AConnectionClosedUnansweredIsUnreachableAndAFreshOneIsNotRetried) {
  const BackendFailure failure = failure_of(call(client, container.container_url("/drop"), invocation_of("")));
  EXPECT_EQ(failure.kind, BackendFailure::Kind::kUnreachable);
  EXPECT_EQ(failure.detail, "the container closed the connection before a whole answer");
  EXPECT_EQ(container.requests().size(), 1u);
}

TEST_F(ContainerClientTest, AnAnswerThatIsNotHttpIsUnreachable) {
  const BackendFailure failure = failure_of(call(client, container.container_url("/garbage"), invocation_of("")));
  EXPECT_EQ(failure.kind, BackendFailure::Kind::kUnreachable);
  EXPECT_TRUE(failure.detail.starts_with("the container's answer is not valid HTTP (")) << failure.detail;
}

TEST_F(ContainerClientTest, ReusesConnections) {
  for (int i = 0; i < 100; ++i) {
    const std::string body = "call " + std::to_string(i);
    ASSERT_EQ(answer_of(call(client, container.container_url(), invocation_of(body))).body, body);
  }
  EXPECT_EQ(container.connections(), 1);
}

// The kept connection was closed by the container after its answer (/close: the write or the read fails), or
// once it had the second request (/drop-second: the read ends with no answer).
TEST(ContainerClient, ResendsOnAFreshConnectionWhenAKeptOneWasClosed) {
  for (const std::string base : {"/close", "/drop-second"}) {
    FakeContainer container;
    ContainerClient client;
    EXPECT_EQ(answer_of(call(client, container.container_url(base), invocation_of("one"))).body, "one") << base;
    EXPECT_EQ(answer_of(call(client, container.container_url(base), invocation_of("two"))).body, "two") << base;
    EXPECT_EQ(container.connections(), 2) << base;
    if (base == "/drop-second") {
      EXPECT_EQ(container.requests().size(), 3u);
    }
  }
}

TEST_F(ContainerClientTest, ResendsOnlyOnce) {
  answer_of(call(client, container.container_url(), invocation_of("kept")));
  // The kept connection closes unanswered, and so does the fresh one: the call fails, after two tries.
  const BackendFailure failure = failure_of(call(client, container.container_url("/drop"), invocation_of("")));
  EXPECT_EQ(failure.kind, BackendFailure::Kind::kUnreachable);
  EXPECT_EQ(container.connections(), 2);
  EXPECT_EQ(container.requests().size(), 3u);
}

TEST_F(ContainerClientTest, ManyConcurrentCallsEachEndOnce) {
  const ContainerUrl url = container.container_url();
  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 50;
  std::mutex mutex;
  std::condition_variable all_done;
  std::vector<int> results(kThreads * kCallsPerThread, 0);
  int mismatched = 0;
  int ended = 0;
  std::vector<std::thread> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const int n = t * kCallsPerThread + i;
        client.invoke(url, invocation_of(std::to_string(n)), [&, n](BackendResult result) {
          const auto* answer = std::get_if<ModelAnswer>(&result);
          std::lock_guard lock(mutex);
          ++results[n];
          if (answer == nullptr || answer->body != std::to_string(n)) ++mismatched;
          ++ended;
          all_done.notify_all();
        });
      }
    });
  }
  for (auto& caller : callers) caller.join();
  std::unique_lock lock(mutex);
  ASSERT_TRUE(all_done.wait_for(lock, 10s, [&] { return ended == kThreads * kCallsPerThread; }));
  EXPECT_EQ(mismatched, 0);
  for (int n = 0; n < kThreads * kCallsPerThread; ++n) EXPECT_EQ(results[n], 1) << "call " << n;
}

TEST_F(ContainerClientTest, CallsBackOnItsOwnThread) {
  std::vector<std::thread::id> threads;
  for (int i = 0; i < 2; ++i) {
    auto thread = std::make_shared<std::promise<std::thread::id>>();
    client.invoke(container.container_url(), invocation_of(""),
                  [thread](BackendResult) { thread->set_value(std::this_thread::get_id()); });
    threads.push_back(thread->get_future().get());
  }
  EXPECT_NE(threads[0], std::this_thread::get_id());
  EXPECT_EQ(threads[0], threads[1]);
}

TEST_F(ContainerClientTest, ACallbackThatThrowsDoesNotStopTheClient) {
  client.invoke(container.container_url(), invocation_of(""), [](BackendResult) { throw std::runtime_error("x"); });
  EXPECT_EQ(answer_of(call(client, container.container_url(), invocation_of("next"))).body, "next");
}

TEST_F(ContainerClientTest, RefusesToPingFromACallback) {
  auto refused = std::make_shared<std::promise<bool>>();
  client.invoke(container.container_url(), invocation_of(""), [this, refused](BackendResult) {
    try {
      client.ping(container.container_url(), 1s);
      refused->set_value(false);
    } catch (const std::logic_error&) {
      refused->set_value(true);
    }
  });
  EXPECT_TRUE(refused->get_future().get());
}

TEST(ContainerClient, StoppingEndsTheCallsUnderWay) {
  FakeContainer container;
  std::mutex mutex;
  std::vector<BackendResult> results;
  {
    ContainerClient client;
    // A second call made from the first one's callback, as the client stops, ends as well.
    client.invoke(container.container_url("/slow"), invocation_of(""), [&](BackendResult result) {
      {
        std::lock_guard lock(mutex);
        results.push_back(std::move(result));
      }
      client.invoke(container.container_url(), invocation_of(""), [&](BackendResult late) {
        std::lock_guard lock(mutex);
        results.push_back(std::move(late));
      });
    });
    ASSERT_TRUE(container.wait_for_requests(1));
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& result : results) {
    const BackendFailure failure = failure_of(result);
    EXPECT_EQ(failure.kind, BackendFailure::Kind::kUnreachable);
    EXPECT_EQ(failure.detail, "sagebox is stopping");
  }
}

TEST_F(ContainerClientTest, Pings) {
  EXPECT_TRUE(client.ping(container.container_url(), 2s));
  EXPECT_FALSE(client.ping(container.container_url("/status/503"), 2s));
  EXPECT_FALSE(client.ping(*ContainerUrl::parse(closed_port_url()), 2s));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(client.ping(container.container_url("/slow"), 200ms));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  const auto seen = container.requests();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/ping");
  EXPECT_EQ(seen[1].target, "/status/503/ping");
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Calls on the caller's loop (invoke_on)

// A loop of the test's, run by one thread as the server's are.
class CallerLoop {
 public:
  CallerLoop() : thread_([this] { io_.run(); }) {}
  ~CallerLoop() { stop(); }
  // At once, whatever is under way on it.
  void stop() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  net::any_io_executor loop() { return io_.get_executor(); }
  std::thread::id thread_id() const { return thread_.get_id(); }

 private:
  net::io_context io_{1};
  net::executor_work_guard<net::io_context::executor_type> work_ = net::make_work_guard(io_);
  std::thread thread_;
};

// Calls on `loop` from the loop's own thread, as a connection's handler does, and waits for the result.
BackendResult call_on(CallerLoop& caller, ContainerClient& client, const ContainerUrl& url,
                      const Invocation& invocation, std::thread::id* called_back_on = nullptr) {
  auto result = std::make_shared<std::promise<std::pair<BackendResult, std::thread::id>>>();
  auto future = result->get_future();
  net::post(caller.loop(), [&, result] {
    client.invoke_on(caller.loop(), url, invocation, [result](BackendResult r) {
      result->set_value({std::move(r), std::this_thread::get_id()});
    });
  });
  if (future.wait_for(10s) != std::future_status::ready) {
    ADD_FAILURE() << "no result within 10 s";
    return BackendFailure{BackendFailure::Kind::kUnreachable, "the test got no result"};
  }
  auto [answer, thread] = future.get();
  if (called_back_on != nullptr) *called_back_on = thread;
  return answer;
}

TEST_F(ContainerClientTest, ACallOnTheCallersLoopAnswersThereAndKeepsItsConnectionThere) {
  CallerLoop caller;
  for (int i = 0; i < 20; ++i) {
    std::thread::id called_back_on;
    const std::string body = "on loop " + std::to_string(i);
    ASSERT_EQ(answer_of(call_on(caller, client, container.container_url(), invocation_of(body), &called_back_on)).body,
              body);
    EXPECT_EQ(called_back_on, caller.thread_id());
  }
  EXPECT_EQ(container.connections(), 1);
  // The client's own loop keeps its own connections: a socket belongs to the loop it was opened on.
  EXPECT_EQ(answer_of(call(client, container.container_url(), invocation_of("own loop"))).body, "own loop");
  EXPECT_EQ(container.connections(), 2);
  EXPECT_EQ(answer_of(call_on(caller, client, container.container_url(), invocation_of("again"))).body, "again");
  EXPECT_EQ(container.connections(), 2);
}

TEST(ContainerClient, ACallOnTheCallersLoopFailsAndTimesOutThereToo) {
  CallerLoop caller;
  ContainerClient client(300ms);
  FakeContainer container;
  EXPECT_EQ(failure_of(call_on(caller, client, *ContainerUrl::parse(closed_port_url()), invocation_of(""))).kind,
            BackendFailure::Kind::kUnreachable);
  EXPECT_EQ(failure_of(call_on(caller, client, container.container_url("/slow"), invocation_of(""))).kind,
            BackendFailure::Kind::kTimeout);
}

// The call belongs to the loop: the client may go first, and the loop may be destroyed with a call under way and
// connections idle in its pool (the sanitizer build checks that nothing leaks or is used after it is freed).
TEST(ContainerClient, ACallOnTheCallersLoopOutlivesTheClientAndDiesWithItsLoop) {
  FakeContainer container;
  auto caller = std::make_unique<CallerLoop>();
  auto client = std::make_unique<ContainerClient>();
  ASSERT_EQ(answer_of(call_on(*caller, *client, container.container_url(), invocation_of("kept"))).body, "kept");
  auto answered = std::make_shared<std::promise<std::string>>();
  std::promise<void> sent;
  net::post(caller->loop(), [&, answered] {
    client->invoke_on(caller->loop(), container.container_url(), invocation_of("after the client"),
                      [answered](BackendResult result) { answered->set_value(answer_of(result).body); });
    sent.set_value();
  });
  sent.get_future().wait();
  client.reset();
  auto future = answered->get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get(), "after the client");

  auto client2 = std::make_unique<ContainerClient>();
  bool called = false;
  net::post(caller->loop(), [&] {
    client2->invoke_on(caller->loop(), container.container_url("/slow"), invocation_of(""),
                       [&called](BackendResult) { called = true; });
  });
  ASSERT_TRUE(container.wait_for_requests(3));
  caller->stop();  // the loop stops with the call under way
  caller.reset();  // and is destroyed with it, and with the idle connection
  EXPECT_FALSE(called);
}
