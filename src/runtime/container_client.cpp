// ContainerClient (include/sagebox/runtime/container_client.hpp): the container contract over HTTP/1.1, on the
// event loop of the client's own thread or on the caller's. A call is a chain of Beast asynchronous steps
// (resolve, connect, write, read) with one deadline over all of them; connections idle between calls in a pool
// per loop, host and port.
#include "sagebox/runtime/container_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <exception>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sagebox/log.hpp"

namespace sagebox::runtime {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using ContainerRequest = bhttp::request<bhttp::string_body>;
using AnswerParser = bhttp::response_parser<bhttp::string_body>;

// SageMaker refuses a model's answer over 6 MiB; the parser stops reading there.
constexpr std::uint64_t kAnswerLimit = 6 * 1024 * 1024;
// Beast's default (8 KiB) is tight for a container that echoes long custom attributes.
constexpr std::uint32_t kAnswerHeaderLimit = 64 * 1024;
// Idle connections kept per host and port; more than this many calls at once to one container is a load test,
// and the connections past it are closed when their calls end.
constexpr std::size_t kMaxIdlePerHost = 64;
constexpr std::string_view kStopping = "sagebox is stopping";
constexpr std::string_view kCustomAttributes = "X-Amzn-SageMaker-Custom-Attributes";
constexpr std::string_view kInferenceId = "X-Amzn-SageMaker-Inference-Id";

BackendFailure failure(BackendFailure::Kind kind, std::string detail) { return {kind, std::move(detail)}; }

// asio's messages are the C library's ("Connection refused"); they end up inside a sentence of the caller's
// error message, so they start in lowercase (acronyms such as "EOF" are left alone).
std::string sentence_part(std::string message) {
  if (message.size() > 1 && message[0] >= 'A' && message[0] <= 'Z' && message[1] >= 'a' && message[1] <= 'z') {
    message[0] = static_cast<char>(message[0] - 'A' + 'a');
  }
  return message;
}

// What a broken exchange means to whoever reads the caller's error message.
std::string describe(const error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return "the container closed the connection before a whole answer";
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return "the container's answer is not valid HTTP (" + ec.message() + ")";
  }
  return sentence_part(ec.message());
}

std::string host_header(const ContainerUrl& url) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + url.host + "]" : url.host) + ":" + url.port;
}

ContainerRequest make_request(const ContainerUrl& url, bhttp::verb method, std::string_view path) {
  ContainerRequest request{method, url.base_path + std::string(path), 11};
  request.set(bhttp::field::host, host_header(url));
  request.set(bhttp::field::user_agent, "sagebox/" SAGEBOX_VERSION);
  return request;
}

// A connection and the bytes read from it; it outlives every operation started on it (its call holds it).
struct Connection {
  explicit Connection(const net::any_io_executor& loop) : socket(loop) {}
  tcp::socket socket;
  beast::flat_buffer buffer;
};

// The idle connections of one event loop, per host and port: a socket belongs to the loop it was opened on. A
// service of that loop, so that they are closed and destroyed with it, whether the client or the loop goes first.
// Touched only on the loop's thread (each loop here is run by one thread).
class IdleConnections : public net::execution_context::service {
 public:
  using key_type = IdleConnections;
  static inline net::execution_context::id id;

  explicit IdleConnections(net::execution_context& context) : service(context) {}

  static IdleConnections& of(const net::any_io_executor& loop) {
    return net::use_service<IdleConnections>(net::query(loop, net::execution::context));
  }

  // The one that idled least, the likeliest to be still open.
  std::unique_ptr<Connection> take(const std::string& pool_key) {
    const auto found = idle_.find(pool_key);
    if (found == idle_.end() || found->second.empty()) return nullptr;
    auto connection = std::move(found->second.back());
    found->second.pop_back();
    return connection;
  }

  void keep(const std::string& pool_key, std::unique_ptr<Connection> connection) {
    auto& connections = idle_[pool_key];
    if (connections.size() >= kMaxIdlePerHost) connections.erase(connections.begin());
    connections.push_back(std::move(connection));
  }

  void clear() { idle_.clear(); }

 private:
  void shutdown() override { idle_.clear(); }

  // Most recently used last.
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

class Call;

// The client's state, all of it touched only on the loop's thread except where said.
struct ClientLoop {
  explicit ClientLoop(std::chrono::milliseconds call_timeout) : timeout(call_timeout) {}

  // Hands a call to the loop; once the loop has stopped taking calls, fails it at once.
  void submit(std::shared_ptr<Call> call);
  // On the loop: fails the calls under way and closes the idle connections; the loop's thread then ends once
  // the operations they had started have completed (aborted).
  void stop();

  net::io_context io{1};
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(io);
  const std::chrono::milliseconds timeout;
  std::thread thread;

  std::unordered_set<Call*> under_way;
  bool stopping = false;

  // Any thread: set by stop(). A call submitted before it is on the loop's queue and will run.
  std::mutex submit_mutex;
  bool closed = false;
};

// One request and its answer, on one loop: the client's own (`owner` set: the client's stop ends it) or a caller's
// (it ends by its answer or its deadline; destroying that loop destroys it). Kept alive by the handlers of its
// pending operations; every handler first checks `finished_`, since the deadline and an operation can both
// complete, in either order.
class Call : public std::enable_shared_from_this<Call> {
 public:
  Call(const net::any_io_executor& loop, ClientLoop* owner, const ContainerUrl& url, ContainerRequest request,
       std::chrono::milliseconds timeout, BackendCallback done)
      : loop_(loop),
        owner_(owner),
        host_(url.host),
        port_(url.port),
        pool_key_(url.host + ' ' + url.port),
        request_(std::move(request)),
        timeout_(timeout),
        done_(std::move(done)),
        deadline_(loop) {}

  void start() {
    if (owner_ != nullptr) {
      if (owner_->stopping) {
        finish(failure(BackendFailure::Kind::kUnreachable, std::string(kStopping)));
        return;
      }
      owner_->under_way.insert(this);
    }
    deadline_.expires_after(timeout_);
    deadline_.async_wait([self = shared_from_this()](const error_code& ec) { self->on_deadline(ec); });
    idle_ = &IdleConnections::of(loop_);
    connection_ = idle_->take(pool_key_);
    if (connection_) {
      reused_ = true;
      send();
    } else {
      connect();
    }
  }

  void abandon() { finish(failure(BackendFailure::Kind::kUnreachable, std::string(kStopping))); }

  // Only when the loop no longer runs calls (see ClientLoop::submit).
  void refuse() {
    auto done = std::exchange(done_, nullptr);
    done(failure(BackendFailure::Kind::kUnreachable, std::string(kStopping)));
  }

 private:
  void connect() {
    reused_ = false;
    connection_ = std::make_unique<Connection>(loop_);
    error_code not_numeric;
    const auto address = net::ip::make_address(host_, not_numeric);
    std::uint16_t port = 0;
    const auto [end, bad_port] = std::from_chars(port_.data(), port_.data() + port_.size(), port);
    if (!not_numeric && bad_port == std::errc() && end == port_.data() + port_.size()) {
      connection_->socket.async_connect(tcp::endpoint(address, port),
                                        [self = shared_from_this()](const error_code& ec) { self->on_connected(ec); });
      return;
    }
    resolver_.emplace(loop_);
    resolver_->async_resolve(host_, port_, tcp::resolver::numeric_service,
                             [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type found) {
                               self->on_resolved(ec, found);
                             });
  }

  void on_resolved(const error_code& ec, const tcp::resolver::results_type& found) {
    if (finished_) return;
    if (ec) return fail_unreachable(ec);
    net::async_connect(connection_->socket, found,
                       [self = shared_from_this()](const error_code& ec, const auto&) { self->on_connected(ec); });
  }

  void on_connected(const error_code& ec) {
    if (finished_) return;
    if (ec) return fail_unreachable(ec);
    error_code ignored;
    connection_->socket.set_option(tcp::no_delay(true), ignored);
    send();
  }

  void send() {
    parser_.emplace();
    parser_->header_limit(kAnswerHeaderLimit);
    parser_->body_limit(kAnswerLimit);
    bhttp::async_write(connection_->socket, request_,
                       [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_sent(ec); });
  }

  void on_sent(const error_code& ec) {
    if (finished_) return;
    if (ec) return may_retry() ? retry() : fail_unreachable(ec);
    bhttp::async_read_header(connection_->socket, connection_->buffer, *parser_,
                             [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_header(ec); });
  }

  // Boost 1.74's parser checks its body limit against chunks and bodies read to the end of the connection, but
  // not against a Content-Length (boostorg/beast#1770, #2070): that one is checked here, before the body is read.
  void on_header(const error_code& ec) {
    if (finished_) return;
    if (ec) return failed_reading(ec);
    const auto length = parser_->content_length();
    if (length && *length > kAnswerLimit) return fail_too_large();
    bhttp::async_read(connection_->socket, connection_->buffer, *parser_,
                      [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_answered(ec); });
  }

  void on_answered(const error_code& ec) {
    if (finished_) return;
    if (ec) return failed_reading(ec);
    auto& response = parser_->get();
    ModelAnswer answer;
    answer.status = static_cast<int>(response.result_int());
    answer.content_type = std::string(response[bhttp::field::content_type]);
    answer.custom_attributes = std::string(response[kCustomAttributes]);
    answer.body = std::move(response.body());
    // Bytes past the answer would be read as the next call's: such a connection is not kept.
    const bool reusable = parser_->keep_alive() && connection_->buffer.size() == 0;
    finish(std::move(answer), reusable);
  }

  void on_deadline(const error_code& ec) {
    if (finished_ || ec == net::error::operation_aborted) return;
    finish(failure(BackendFailure::Kind::kTimeout, "no answer within " + std::to_string(timeout_.count()) + " ms"));
  }

  // A connection from the pool may have been closed by the container while it idled; that shows as a failed
  // write, or as a read that ends before the answer's first byte. The call is then sent once more, on a new one.
  bool may_retry() const { return reused_ && !retried_; }

  void retry() {
    retried_ = true;
    connect();
  }

  void failed_reading(const error_code& ec) {
    if (ec == bhttp::error::body_limit) return fail_too_large();
    return may_retry() && !parser_->got_some() ? retry() : fail_unreachable(ec);
  }

  void fail_too_large() {
    finish(failure(BackendFailure::Kind::kTooLarge,
                   "the model's answer is larger than " + std::to_string(kAnswerLimit) + " bytes"));
  }

  void fail_unreachable(const error_code& ec) { finish(failure(BackendFailure::Kind::kUnreachable, describe(ec))); }

  void finish(BackendResult result, bool keep_connection = false) {
    finished_ = true;
    if (owner_ != nullptr) owner_->under_way.erase(this);
    deadline_.cancel();
    if (resolver_) resolver_->cancel();
    if (connection_ && keep_connection && !(owner_ != nullptr && owner_->stopping)) {
      idle_->keep(pool_key_, std::move(connection_));
    } else if (connection_) {
      // Closed, not destroyed: an operation still pending on it holds its buffer until it completes, aborted.
      error_code ignored;
      connection_->socket.close(ignored);
    }
    auto done = std::exchange(done_, nullptr);
    // A callback that throws must not end the loop that all the other calls are waiting on (nor stop() midway).
    try {
      done(std::move(result));
    } catch (const std::exception& e) {
      log::error(std::string("container client: a call's callback threw: ") + e.what());
    } catch (...) {
      log::error("container client: a call's callback threw");
    }
  }

  const net::any_io_executor loop_;
  ClientLoop* const owner_;
  IdleConnections* idle_ = nullptr;  // the loop's, found when the call starts on it
  const std::string host_;
  const std::string port_;
  const std::string pool_key_;
  const ContainerRequest request_;
  const std::chrono::milliseconds timeout_;
  BackendCallback done_;
  net::steady_timer deadline_;
  std::optional<tcp::resolver> resolver_;
  std::unique_ptr<Connection> connection_;
  std::optional<AnswerParser> parser_;
  bool reused_ = false;
  bool retried_ = false;
  bool finished_ = false;
};

void ClientLoop::submit(std::shared_ptr<Call> call) {
  {
    std::lock_guard lock(submit_mutex);
    // A callback run while the loop drains (on its thread) may still call: its call is queued, and refused there.
    if (!closed || io.get_executor().running_in_this_thread()) {
      net::post(io, [call = std::move(call)] { call->start(); });
      return;
    }
  }
  call->refuse();
}

void ClientLoop::stop() {
  stopping = true;
  std::vector<std::shared_ptr<Call>> calls;
  calls.reserve(under_way.size());
  for (Call* call : under_way) calls.push_back(call->shared_from_this());
  for (const auto& call : calls) call->abandon();
  IdleConnections::of(io.get_executor()).clear();
  {
    std::lock_guard lock(submit_mutex);
    closed = true;
  }
  work.reset();
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// Printable ASCII but for what would start a query or a fragment (a path with others is percent-encoded).
bool is_path_char(char c) { return c > ' ' && c < 0x7f && c != '?' && c != '#'; }

bool starts_with_http(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = url[i] >= 'A' && url[i] <= 'Z' ? static_cast<char>(url[i] - 'A' + 'a') : url[i];
    if (c != kScheme[i]) return false;
  }
  return true;
}

// "1".."65535" → the port without leading zeros; nothing for anything else.
std::optional<std::string> parse_port(std::string_view text) {
  unsigned port = 0;
  if (text.size() > 5) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) return std::nullopt;
  return std::to_string(port);
}

}  // namespace

std::optional<ContainerUrl> ContainerUrl::parse(std::string_view url) {
  if (!starts_with_http(url)) return std::nullopt;
  const std::string_view rest = url.substr(std::string_view("http://").size());
  const std::size_t path_start = std::min(rest.find('/'), rest.size());
  const std::string_view authority = rest.substr(0, path_start);
  std::string_view path = rest.substr(path_start);

  ContainerUrl result;
  std::string_view port_text = "80";
  std::string_view after_host;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    result.host = std::string(authority.substr(1, close - 1));
    error_code ec;
    net::ip::make_address_v6(result.host, ec);
    if (ec) return std::nullopt;
    after_host = authority.substr(close + 1);
  } else {
    const std::size_t colon = std::min(authority.find(':'), authority.size());
    result.host = std::string(authority.substr(0, colon));
    if (result.host.empty()) return std::nullopt;
    for (char c : result.host) {
      if (!is_name_char(c)) return std::nullopt;
    }
    after_host = authority.substr(colon);
  }
  if (!after_host.empty()) {
    if (after_host.front() != ':') return std::nullopt;
    port_text = after_host.substr(1);
  }
  auto port = parse_port(port_text);
  if (!port) return std::nullopt;
  result.port = std::move(*port);

  for (char c : path) {
    if (!is_path_char(c)) return std::nullopt;
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  result.base_path = std::string(path);
  result.text = std::string(url);
  return result;
}

struct ContainerClient::Impl : ClientLoop {
  using ClientLoop::ClientLoop;
};

ContainerClient::ContainerClient(std::chrono::milliseconds timeout) : impl_(std::make_shared<Impl>(timeout)) {
  impl_->thread = std::thread([loop = impl_.get()] { loop->io.run(); });
}

ContainerClient::~ContainerClient() {
  net::post(impl_->io, [loop = impl_.get()] { loop->stop(); });
  impl_->thread.join();
}

namespace {

ContainerRequest invocation_request(const ContainerUrl& url, const Invocation& invocation) {
  ContainerRequest request = make_request(url, bhttp::verb::post, "/invocations");
  if (!invocation.content_type.empty()) request.set(bhttp::field::content_type, invocation.content_type);
  if (!invocation.accept.empty()) request.set(bhttp::field::accept, invocation.accept);
  if (!invocation.custom_attributes.empty()) request.set(kCustomAttributes, invocation.custom_attributes);
  if (!invocation.inference_id.empty()) request.set(kInferenceId, invocation.inference_id);
  request.body() = invocation.body;
  request.prepare_payload();
  return request;
}

}  // namespace

void ContainerClient::invoke(const ContainerUrl& url, const Invocation& invocation, BackendCallback done) {
  impl_->submit(std::make_shared<Call>(impl_->io.get_executor(), impl_.get(), url,
                                       invocation_request(url, invocation), impl_->timeout, std::move(done)));
}

void ContainerClient::invoke_on(const boost::asio::any_io_executor& loop, const ContainerUrl& url,
                                const Invocation& invocation, BackendCallback done) {
  auto call = std::make_shared<Call>(loop, nullptr, url, invocation_request(url, invocation), impl_->timeout,
                                     std::move(done));
  net::dispatch(loop, [call = std::move(call)] { call->start(); });
}

bool ContainerClient::ping(const ContainerUrl& url, std::chrono::milliseconds timeout) {
  if (impl_->io.get_executor().running_in_this_thread()) {
    throw std::logic_error("ContainerClient::ping would wait on its own thread");
  }
  std::promise<bool> healthy;
  auto answered = healthy.get_future();
  impl_->submit(std::make_shared<Call>(impl_->io.get_executor(), impl_.get(), url,
                                       make_request(url, bhttp::verb::get, "/ping"), timeout,
                                       [&healthy](BackendResult result) {
                                         const auto* answer = std::get_if<ModelAnswer>(&result);
                                         healthy.set_value(answer != nullptr && answer->status == 200);
                                       }));
  return answered.get();
}

}  // namespace sagebox::runtime
