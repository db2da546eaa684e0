#include "sagebox/http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sagebox/log.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#define SAGEBOX_HAS_RLIMIT 1
#endif
#ifdef __APPLE__
#include <sys/syslimits.h>  // OPEN_MAX
#endif

namespace sagebox::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kFirstReadSize = 4096;
// A session's deadline when no operation is timed (steady_clock ticks).
constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// After an error response the client may still be sending; closing with unread bytes would make the kernel
// send RST and the client could lose the response. So shut the send side and discard input for a while first.
struct Linger {
  std::chrono::milliseconds timeout;
  std::size_t max_bytes;
};
// After a request that could not be read whole (e.g. a body over the limit, which may still be arriving).
constexpr Linger kLingerAfterError{std::chrono::seconds(2), 16 * 1024 * 1024};
// After refusing a connection over the cap: at most a request's worth, briefly.
constexpr Linger kLingerAfterRefusal{std::chrono::seconds(1), 64 * 1024};

// Connections over the cap being answered 503 at one time; past this they are closed unanswered, so that a
// flood of connections costs a bounded number of descriptors.
constexpr std::size_t kMaxRefusing = 64;
// Descriptors needed besides connections: the database and its journal, stdio, epoll (kqueue), the listener.
constexpr std::size_t kDescriptorReserve = 64;
// After a failed accept (typically out of descriptors) the connection waits in the backlog; retrying at once
// would spin.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
constexpr auto kLogInterval = std::chrono::seconds(1);

// A warning that a hostile peer can trigger at will: written at most once per kLogInterval, with the count
// of those held back since, so that a flood neither floods the log nor blocks on a full stderr pipe.
class ThrottledWarning {
 public:
  void operator()(const std::string& message) {
    std::uint64_t held = 0;
    {
      std::lock_guard lock(mutex_);
      const auto now = std::chrono::steady_clock::now();
      if (last_ && now - *last_ < kLogInterval) {
        ++held_;
        return;
      }
      last_ = now;
      held = std::exchange(held_, 0);
    }
    log::warn(held == 0 ? message
                        : message + " (and " + std::to_string(held) + " more like it since the last)");
  }

 private:
  std::mutex mutex_;
  std::optional<std::chrono::steady_clock::time_point> last_;
  std::uint64_t held_ = 0;
};

// Every connection holds a descriptor: raises the soft RLIMIT_NOFILE (never above the hard limit, never
// lowering it) so that a crowd of clients meets the connection cap before the descriptor limit.
void raise_descriptor_limit(std::size_t max_connections) {
#ifdef SAGEBOX_HAS_RLIMIT
  const auto wanted = static_cast<rlim_t>(max_connections + kMaxRefusing + kDescriptorReserve);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  rlimit raised = limit;
  rlim_t ceiling = limit.rlim_max;
#ifdef __APPLE__
  // macOS may report an unlimited hard limit, yet refuses (EINVAL) a soft limit above the per-process maximum;
  // its setrlimit(2) says to ask for min(OPEN_MAX, rlim_max) at most.
  ceiling = std::min(ceiling, static_cast<rlim_t>(OPEN_MAX));
#endif
  raised.rlim_cur = std::min(wanted, ceiling);
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) raised.rlim_cur = limit.rlim_cur;
  if (raised.rlim_cur < wanted) {
    log::warn("the open-file limit (" + std::to_string(raised.rlim_cur) + ") is below what " +
              std::to_string(max_connections) + " connections need (" + std::to_string(wanted) +
              "): past it, new connections wait in the listen backlog; raise 'ulimit -n' or lower "
              "--max-connections");
  }
#else
  (void)max_connections;
#endif
}

// ---------------------------------------------------------------------------------------------------------------
// Meaning: request → response, no sockets.

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  });
  return out;
}

Request to_request(BeastRequest&& beast_request) {
  Request request;
  request.method = std::string(beast_request.method_string());
  request.target = std::string(beast_request.target());
  for (const auto& field : beast_request) {
    request.headers.emplace_back(lowercase(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(beast_request.body());
  return request;
}

BeastResponse to_beast(Response response, unsigned version, bool keep_alive) {
  BeastResponse out;
  out.version(version);
  out.result(response.status >= 100 && response.status <= 599 ? static_cast<unsigned>(response.status)
                                                              : 500u);
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

// A handler that throws gets 500; the server keeps serving.
// `what` names the request in the log (method and target).
Reply run_handler(const Router& router, std::string_view what, const std::function<Reply()>& handler) {
  try {
    return handler();
  } catch (const std::exception& e) {
    log::warn("handler failed for " + std::string(what) + ": " + e.what());
    return router.error(500, std::string("Internal error: ") + e.what());
  } catch (...) {
    log::warn("handler failed for " + std::string(what));
    return router.error(500, "Internal error");
  }
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

// ---------------------------------------------------------------------------------------------------------------
// Sockets.

class Session;

std::vector<std::unique_ptr<net::io_context>> make_loops(unsigned count) {
  std::vector<std::unique_ptr<net::io_context>> loops;
  // Concurrency hint 1: each loop is run by exactly one thread.
  for (unsigned i = 0; i < count; ++i) loops.push_back(std::make_unique<net::io_context>(1));
  return loops;
}

// Everything a session needs from the server. Sessions hold a plain reference: run() returns only after every
// session's handlers have finished, and pending ones are destroyed with the io_context, which is a member
// here.
class ServerCore {
 public:
  ServerCore(const Config& config, Router router);
  ~ServerCore();

  std::uint16_t port() const { return port_; }
  void run();
  void stop() {
    draining_ = true;
    net::post(control_, [this] { begin_stop(); });
  }
  // True from the moment stop() is called, so a response finished just then already says Connection: close.
  bool draining() const { return draining_; }

  const Config& config() const { return config_; }
  const Router& router() const { return router_; }
  void unregister(std::uint64_t id, bool refused);
  // For requests rejected before they were whole (400, 413, 431): a hostile client can send many.
  void warn_rejected(const std::string& message) { rejected_warning_(message); }

 private:
  // What becomes of an accepted connection.
  enum class Admission { kServe, kRefuse, kDrop, kStopping };

  void open_acceptor();
  unsigned thread_count() const;
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void retry_accept(const beast::error_code& ec);
  Admission admit(const std::shared_ptr<Session>& session);
  std::vector<std::shared_ptr<Session>> mark_stopping();
  void begin_stop();
  void force_close_all();
  std::vector<std::shared_ptr<Session>> live_sessions();
  void sweep();
  std::chrono::steady_clock::duration sweep_interval() const;

  Config config_;
  Router router_;

  // Declared before the io_context so that sessions destroyed along with it can still unregister.
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
  std::size_t serving_ = 0;   // registered sessions that serve requests; at most config_.max_connections
  std::size_t refusing_ = 0;  // registered sessions answering 503; at most kMaxRefusing
  std::uint64_t next_id_ = 0;
  bool stopping_ = false;
  bool torn_down_ = false;

  // One event loop per thread, each connection on one of them for its whole life: a request is read, handled and
  // answered by one thread, with no hand-off between threads and no locking inside the loop.
  std::vector<std::unique_ptr<net::io_context>> loops_;
  // Keep every loop running while it has no connection; released when stopping.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running_;
  std::size_t next_loop_ = 0;  // control strand only: where the next connection goes
  // Serializes the acceptor, the signal set and the grace timer, which stop() reaches from any thread.
  net::strand<net::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_timer_;
  net::steady_timer grace_timer_;
  net::steady_timer sweep_timer_;  // closes connections whose operation outlived its timeout
  std::optional<net::signal_set> signals_;
  bool stop_started_ = false;  // control strand only
  std::atomic<bool> draining_{false};
  std::uint16_t port_ = 0;

  ThrottledWarning refusal_warning_;
  ThrottledWarning accept_warning_;
  ThrottledWarning rejected_warning_;
};

// What a session keeps of a request while its reply is being carried out.
struct Exchange {
  unsigned version = 11;
  bool keep_alive = false;
  bool head = false;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string what;  // method and target, for the log
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerCore& core)
      : socket_(std::move(socket)), pause_(socket_.get_executor()), core_(core) {}
  ~Session() {
    if (id_ != 0) core_.unregister(id_, refused_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Called by the registry, under its lock, before start() or refuse().
  void set_registration(std::uint64_t id, bool refused) {
    id_ = id;
    refused_ = refused;
  }

  void start() {
    net::dispatch(socket_.get_executor(),
                  beast::bind_front_handler(&Session::wait_for_request, shared_from_this()));
  }

  // For a connection over the cap: answers 503 at once, without reading a request, then closes.
  void refuse(std::string message) {
    net::dispatch(socket_.get_executor(), [self = shared_from_this(), message = std::move(message)] {
      Response response = self->core_.router().error(503, message);
      response.headers.emplace_back("Retry-After", "1");
      self->linger_ = kLingerAfterRefusal;
      self->write(std::move(response), 11, false);
    });
  }

  // From any thread (the sweep): true when the operation under way has outlived its deadline.
  bool overdue(std::int64_t now) const { return deadline_.load(std::memory_order_relaxed) <= now; }

  // From any thread: closes the connection if, on its own thread, it is still overdue. Its pending operation
  // then ends with operation_aborted and the session winds down as after a timeout.
  void expire() {
    net::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->overdue(std::chrono::steady_clock::now().time_since_epoch().count())) self->close();
    });
  }

  // From any thread. Unforced: finish the request in flight, then close; an idle connection closes now.
  void shutdown(bool force) {
    net::post(socket_.get_executor(), [self = shared_from_this(), force] {
      self->closing_ = true;
      if (force || !self->busy_) self->close();
    });
  }

 private:
  void wait_for_request() {
    if (closing_) return close();
    parser_.emplace();
    // The limit depends on the route, known only once the headers are in (on_header); until then the largest
    // there is, or Beast would refuse a declared Content-Length over the default before the route could raise
    // it. (Not boost::none: Beast's header check counts every length as over it.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->header_limit(kHeaderLimit);
    skip_empty_lines();
    if (buffer_.size() > 0) return on_request_started();
    // Waiting between requests is bounded by the idle timeout; the request itself by the read timeout.
    expires_after(core_.config().idle_timeout);
    socket_.async_read_some(buffer_.prepare(kFirstReadSize),
                            beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t bytes) {
    if (ec) return close();
    buffer_.commit(bytes);
    wait_for_request();  // starts the request, unless the bytes were only empty lines
  }

  // RFC 9112 section 2.2: empty lines before a request line are ignored (Beast would say "bad method").
  void skip_empty_lines() {
    const auto* data = static_cast<const char*>(buffer_.data().data());
    std::size_t n = 0;
    while (n < buffer_.size() && (data[n] == '\r' || data[n] == '\n')) ++n;
    buffer_.consume(n);
  }

  void on_request_started() {
    busy_ = true;
    expires_after(core_.config().read_timeout);
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_failed(ec);
    const auto& header = parser_->get();
    body_limit_ = core_.router()
                      .body_limit(header.method_string(), header.target())
                      .value_or(core_.config().body_limit);
    // Beast checks a Content-Length against the limit only while it parses the headers, so it is checked here;
    // a chunked body is checked by the parser as it arrives.
    if (const auto declared = parser_->content_length(); declared && *declared > body_limit_) {
      return on_read_failed(bhttp::error::body_limit);
    }
    parser_->body_limit(body_limit_);
    if (beast::iequals(header[bhttp::field::expect], "100-continue") && !parser_->is_done()) {
      net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                         if (write_ec) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(socket_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_failed(ec);
    BeastRequest beast_request = parser_->release();
    Exchange exchange;
    exchange.version = beast_request.version();
    exchange.keep_alive = beast_request.keep_alive();
    exchange.head = beast_request.method() == bhttp::verb::head;
    const Request request = to_request(std::move(beast_request));
    exchange.what = request.method + " " + request.target;
    const Router& router = core_.router();
    Reply reply = run_handler(router, exchange.what, [&] { return router.route(request); });
    carry_out(std::move(reply), std::move(exchange));
  }

  // Waits out the reply's delay, asks its `then` for the reply after it, and finally takes the reply's action.
  void carry_out(Reply reply, Exchange exchange) {
    if (reply.delay > std::chrono::milliseconds::zero()) {
      // The connection is busy meanwhile (a stop waits for it, up to the grace period); the deadline only makes
      // sure it cannot wait forever.
      expires_after(reply.delay + core_.config().read_timeout);
      pause_.expires_after(reply.delay);
      reply.delay = std::chrono::milliseconds::zero();
      pause_.async_wait([self = shared_from_this(), reply = std::move(reply),
                         exchange = std::move(exchange)](beast::error_code ec) mutable {
        if (ec || !self->socket_.is_open()) return;  // closed meanwhile (stop, timeout)
        self->carry_out(std::move(reply), std::move(exchange));
      });
      return;
    }
    if (reply.then) {
      const std::function<Reply()> then = std::move(reply.then);
      Reply next = run_handler(core_.router(), exchange.what, then);
      return carry_out(std::move(next), std::move(exchange));
    }
    if (reply.later) {
      const auto later = std::move(reply.later);
      // No deadline meanwhile: the work has a timeout of its own, and a stop still waits only the grace period.
      expires_after(std::chrono::hours(24 * 365));
      std::function<void(Reply)> hand_over = [self = shared_from_this(), exchange](Reply next) mutable {
        net::post(self->socket_.get_executor(),
                  [self, next = std::move(next), exchange = std::move(exchange)]() mutable {
                    if (!self->socket_.is_open()) return;  // closed meanwhile (stop)
                    self->carry_out(std::move(next), std::move(exchange));
                  });
      };
      Reply failed;
      bool started = false;
      failed = run_handler(core_.router(), exchange.what, [&] {
        later(socket_.get_executor(), std::move(hand_over));
        started = true;
        return Reply{};
      });
      if (!started) return carry_out(std::move(failed), std::move(exchange));
      return;
    }
    if (log::enabled(LogLevel::kDebug)) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                            exchange.started)
                          .count();
      const std::string outcome = reply.action == Reply::Action::kRespond ? std::to_string(reply.response.status)
                                  : reply.action == Reply::Action::kClose   ? "closed"
                                                                            : "reset";
      log::debug(exchange.what + " " + outcome + " " + std::to_string(us) + "us");
    }
    switch (reply.action) {
      case Reply::Action::kRespond:
        return write(std::move(reply.response), exchange.version,
                     exchange.keep_alive && !closing_ && !core_.draining(), exchange.head);
      case Reply::Action::kClose: {
        busy_ = false;
        beast::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        return close();
      }
      case Reply::Action::kReset: {
        busy_ = false;
        // Linger on with a zero timeout: close() discards what is unsent and sends RST instead of FIN.
        beast::error_code ignored;
        socket_.set_option(net::socket_base::linger(true, 0), ignored);
        return close();
      }
    }
  }

  void on_read_failed(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) {
      return fail(
          "Request body is larger than the limit of " + std::to_string(body_limit_) + " bytes",
          413);
    }
    if (ec == bhttp::error::header_limit) return fail("Request header fields are too large", 431);
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        !is_http_parse_error(ec)) {
      // The peer went away, was too slow (timeout), or we are closing: nobody to answer.
      log::debug("connection dropped while reading a request: " + ec.message());
      return close();
    }
    fail("Malformed HTTP request: " + ec.message(), 400);
  }

  // Answers a request that could not be read whole, then closes: the rest of the stream cannot be trusted.
  void fail(const std::string& message, int status) {
    core_.warn_rejected("rejected request (" + std::to_string(status) + "): " + message);
    linger_ = kLingerAfterError;
    write(core_.router().error(status, message), 11, false);
  }

  // A response to HEAD keeps its Content-Length but sends no body, or the client would misread the stream.
  void write(Response response, unsigned version, bool keep_alive, bool head = false) {
    response_ = to_beast(std::move(response), version, keep_alive);
    if (head) response_.body().clear();
    expires_after(core_.config().read_timeout);
    bhttp::async_write(socket_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    busy_ = false;
    if (ec) return close();
    if (linger_) return linger();
    if (response_.need_eof() || closing_ || core_.draining()) {
      beast::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
      return close();
    }
    wait_for_request();
  }

  void linger() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    expires_after(linger_->timeout);
    drain_some();
  }

  void drain_some() {
    socket_.async_read_some(net::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > self->linger_->max_bytes) return self->close();
                              self->drain_some();
                            });
  }

  void close() {
    deadline_.store(kNoDeadline, std::memory_order_relaxed);
    pause_.cancel();
    beast::error_code ignored;
    socket_.close(ignored);
  }

  void expires_after(std::chrono::steady_clock::duration timeout) {
    deadline_.store((std::chrono::steady_clock::now() + timeout).time_since_epoch().count(),
                    std::memory_order_relaxed);
  }

  tcp::socket socket_;
  net::steady_timer pause_;  // a reply's delay
  // When the operation under way must have finished; checked by ServerCore's sweep, which closes the connection
  // once it has passed. A plain store per operation instead of a timer: no timer queue, no timerfd update.
  std::atomic<std::int64_t> deadline_{kNoDeadline};
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::size_t body_limit_ = 0;  // of the request being read, set from its route once its headers are in
  BeastResponse response_;  // must outlive the async write
  std::array<char, 4096> drain_{};
  std::size_t drained_ = 0;
  ServerCore& core_;
  std::uint64_t id_ = 0;
  bool refused_ = false;  // over the cap: counted among the refusals, not the served connections
  // Strand only:
  bool busy_ = false;     // a request has begun to arrive and its response is not written yet
  bool closing_ = false;  // the server is stopping: no further request on this connection
  std::optional<Linger> linger_;  // set: the response written is the last; linger as told, then close
};

ServerCore::ServerCore(const Config& config, Router router)
    : config_(config),
      router_(std::move(router)),
      loops_(make_loops(thread_count())),
      control_(net::make_strand(*loops_.front())),
      acceptor_(control_),
      accept_retry_timer_(control_),
      grace_timer_(control_),
      sweep_timer_(control_) {
  raise_descriptor_limit(config_.max_connections);
  open_acceptor();
  // Registered now, before anyone can learn the port: a SIGTERM sent right after the banner must stop the server
  // gracefully rather than kill it. Asio queues a signal that arrives before run() waits for it.
  signals_.emplace(control_, SIGINT, SIGTERM);
  for (const auto& loop : loops_) keep_running_.push_back(net::make_work_guard(*loop));
}

ServerCore::~ServerCore() {
  std::lock_guard lock(mutex_);
  torn_down_ = true;
}

unsigned ServerCore::thread_count() const {
  if (config_.threads > 0) return config_.threads;
  // At least two, so that one slow handler never stalls every connection.
  return std::max(2u, std::thread::hardware_concurrency());
}

void ServerCore::open_acceptor() {
  const std::string where = config_.host + ":" + std::to_string(config_.port);
  beast::error_code ec;
  tcp::resolver resolver(*loops_.front());
  const auto endpoints = resolver.resolve(config_.host, std::to_string(config_.port),
                                          tcp::resolver::numeric_service | tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    throw std::runtime_error("cannot listen on " + where + ": " + (ec ? ec.message() : "no address"));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  // reuse_address lets a restarted server bind despite TIME_WAIT; it does not allow two listeners.
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
}

void ServerCore::run() {
  net::post(control_, [this] {
    if (stop_started_) return;
    signals_->async_wait([this](beast::error_code ec, int signal) {
      if (ec) return;
      log::info("signal " + std::to_string(signal) + " received, stopping");
      draining_ = true;
      begin_stop();
    });
    do_accept();
    sweep();
  });

  auto run_loop = [](net::io_context& loop) {
    for (;;) {
      try {
        loop.run();
        return;
      } catch (const std::exception& e) {
        log::error(std::string("unexpected exception in the server loop: ") + e.what());
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(loops_.size() - 1);
  for (std::size_t i = 1; i < loops_.size(); ++i) pool.emplace_back(run_loop, std::ref(*loops_[i]));
  run_loop(*loops_.front());
  for (auto& thread : pool) thread.join();
}

void ServerCore::do_accept() {
  net::io_context& loop = *loops_[next_loop_];
  next_loop_ = (next_loop_ + 1) % loops_.size();
  acceptor_.async_accept(loop, beast::bind_front_handler(&ServerCore::on_accept, this));
}

void ServerCore::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stop_started_ || !acceptor_.is_open()) return;
  if (ec) return retry_accept(ec);
  // Responses go out whole in one write; Nagle would only hold back the next one.
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<Session>(std::move(socket), *this);
  const std::string limit = std::to_string(config_.max_connections);
  switch (admit(session)) {
    case Admission::kServe:
      session->start();
      break;
    case Admission::kRefuse:
      refusal_warning_("connection limit of " + limit + " reached: answering new connections 503");
      session->refuse("Too many connections (limit " + limit + ")");
      break;
    case Admission::kDrop:
      refusal_warning_("connection limit of " + limit + " reached and " + std::to_string(kMaxRefusing) +
                       " refusals in flight: closing new connections unanswered");
      break;  // the socket closes with the session, here
    case Admission::kStopping:
      break;
  }
  do_accept();
}

void ServerCore::retry_accept(const beast::error_code& ec) {
  accept_warning_("accept failed: " + ec.message() + "; retrying every " +
                  std::to_string(kAcceptRetryDelay.count()) + " ms");
  accept_retry_timer_.expires_after(kAcceptRetryDelay);
  accept_retry_timer_.async_wait([this](beast::error_code wait_ec) {
    if (!wait_ec && !stop_started_) do_accept();
  });
}

ServerCore::Admission ServerCore::admit(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  if (stopping_) return Admission::kStopping;
  const bool refused = serving_ >= config_.max_connections;
  if (refused && refusing_ >= kMaxRefusing) return Admission::kDrop;
  ++(refused ? refusing_ : serving_);
  const std::uint64_t id = ++next_id_;
  sessions_.emplace(id, session);
  session->set_registration(id, refused);
  return refused ? Admission::kRefuse : Admission::kServe;
}

void ServerCore::unregister(std::uint64_t id, bool refused) {
  std::lock_guard lock(mutex_);
  if (sessions_.erase(id) != 0) --(refused ? refusing_ : serving_);
  // The last session gone: no need to wait out the grace period, and the loops may finish.
  if (stopping_ && sessions_.empty() && !torn_down_) {
    net::post(control_, [this] {
      grace_timer_.cancel();
      sweep_timer_.cancel();
      keep_running_.clear();
    });
  }
}

std::vector<std::shared_ptr<Session>> ServerCore::mark_stopping() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (const auto& [id, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

void ServerCore::begin_stop() {
  if (stop_started_) return;
  stop_started_ = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_timer_.cancel();
  if (signals_) {
    signals_->clear(ignored);  // gives SIGINT/SIGTERM back to their default action
    signals_->cancel(ignored);
  }
  // The shared_ptrs must be released outside the registry lock: a session's destructor takes it.
  const auto live = mark_stopping();
  if (live.empty()) {
    keep_running_.clear();  // each loop returns from run() now
    sweep_timer_.cancel();
    return;
  }
  // The loops keep running until the last session is gone (unregister): a loop that ran out of work while a
  // session of its was held only here would stop, and the shutdown posted to it below would never run, leaving
  // that session, and so the server, alive for ever.
  for (const auto& session : live) session->shutdown(false);
  grace_timer_.expires_after(config_.shutdown_grace);
  grace_timer_.async_wait([this](beast::error_code ec) {
    if (!ec) force_close_all();
  });
}

// Timeouts are checked here, a few times per shortest timeout, rather than by a timer per operation: a request
// then costs no timer bookkeeping, and a connection is closed at most a quarter of its timeout late.
std::chrono::steady_clock::duration ServerCore::sweep_interval() const {
  const auto shortest = std::min({std::chrono::steady_clock::duration(config_.idle_timeout),
                                  std::chrono::steady_clock::duration(config_.read_timeout),
                                  std::chrono::steady_clock::duration(kLingerAfterRefusal.timeout)});
  return std::clamp<std::chrono::steady_clock::duration>(shortest / 4, std::chrono::milliseconds(10),
                                                          std::chrono::seconds(1));
}

std::vector<std::shared_ptr<Session>> ServerCore::live_sessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(mutex_);
  for (const auto& [id, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

void ServerCore::sweep() {
  // The shared_ptrs are released outside the registry lock: a session's destructor takes it.
  const auto live = live_sessions();
  const std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  for (const auto& session : live) {
    if (session->overdue(now)) session->expire();
  }
  if (stop_started_ && live.empty()) return;  // nothing left to time: let the loop finish
  sweep_timer_.expires_after(sweep_interval());
  sweep_timer_.async_wait([this](beast::error_code ec) {
    if (!ec) sweep();
  });
}

void ServerCore::force_close_all() {
  const auto live = live_sessions();
  if (!live.empty())
    log::warn(std::to_string(live.size()) + " connection(s) still busy after the grace period");
  for (const auto& session : live) session->shutdown(true);
}

}  // namespace

struct Server::Impl : ServerCore {
  using ServerCore::ServerCore;
};

Server::Server(const Config& config, Router router)
    : impl_(std::make_shared<Impl>(config, std::move(router))) {}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->port(); }

void Server::run() { impl_->run(); }

void Server::stop() { impl_->stop(); }

}  // namespace sagebox::http
