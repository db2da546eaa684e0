// Router: method + path → handler. The server hands every whole request to its router and names no path
// itself; the front doors (protocol/, admin/) register their routes at startup.
//
// A pattern is '/' followed by segments separated by '/', each one of:
// - literal text, matched exactly (case-sensitive);
// - `{name}`: any one non-empty segment, handed to the handler as params["name"];
// - `**`, only as the last segment: any number of segments, none included ("/a/**" matches /a, /a/b and
//   /a/b/c; "/**" matches every target, even one that does not begin with '/').
// A request's path is its target without the query and without one trailing slash. The most specific pattern
// that matches takes the request: compared segment by segment, literal before `{name}` before `**`, and a
// pattern that ends with the path before one that goes on with `**`. Among that pattern's routes the method
// chooses (a route for method "*" takes every method that has none of its own); when none fits: 405 with
// `Allow` naming the pattern's methods. When no pattern matches: 404. Both answers come from the router's
// error builder.
//
// A route may carry its own body limit; the server asks for it once the request's headers are in, before it
// reads the body, so that one route (e.g. model invocations) can take larger bodies than the rest. A request
// no route takes (404, 405) gets the server's default limit.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "sagebox/http/message.hpp"

namespace sagebox::http {

// The event loop a connection runs on. Work a `later` reply waits for may run there: on the connection's own
// thread, it needs no hand-off between threads (each of which costs a wake-up) to start or to answer.
using Loop = boost::asio::any_io_executor;

// What a handler makes of a request: a response, or a connection dropped instead; at once, or after a pause
// that holds no thread (the connection waits on its event loop's timer).
struct Reply {
  enum class Action {
    kRespond,  // write `response`
    kClose,    // close the connection without a response: the client reads end-of-stream (FIN)
    kReset,    // abort the connection: the client sees "connection reset by peer" (RST)
  };

  Reply() = default;
  // A response is the usual reply, so a handler may simply return one.
  Reply(Response r) : response(std::move(r)) {}  // NOLINT(google-explicit-constructor)

  Action action = Action::kRespond;
  Response response;
  // Waited out first, before `then` runs or the action is taken.
  std::chrono::milliseconds delay{0};
  // When set, the reply is what this returns instead (after `delay`), called on the connection's event loop.
  // It must own what it uses: the request it was made for is gone by then.
  std::function<Reply()> then;
  // When set (and `then` is not), the reply comes from work done elsewhere, such as a call to another server:
  // the server calls `later` with the connection's loop and a function to hand it the reply, and the connection
  // waits for it holding no thread. That function may be called from any thread, once; the reply it is given is
  // carried out like any other (its own delay, then, later). The work must end by itself (its own timeout): the
  // connection waits for it however long it takes, and a stop waits for it up to the shutdown grace. It must own
  // what it uses; work left on the loop when the server is destroyed is destroyed with it, never run.
  std::function<void(const Loop&, std::function<void(Reply)>)> later;
};

// The path a router matches `target` by: without the query and without one trailing slash.
std::string_view path_of(std::string_view target);

// The query of `target` (after its first '?') as name/value pairs in the order sent, duplicates kept, read as
// forms write them: pairs separated by '&' (empty ones skipped), a name without '=' has the value "", '+'
// stands for a space and %XX for the byte XX. Nothing when a '%' is not followed by two hex digits. The
// decoded bytes are returned as they are; they need not be UTF-8.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
std::optional<QueryParams> query_params(std::string_view target);

// `text` with each %XX decoded to the byte XX, as a path segment or SigV4's canonical query reads it; a '%' not
// followed by two hex digits stays as it is.
std::string percent_decoded(std::string_view text);

// The values of a pattern's `{name}` segments, by name.
using PathParams = std::map<std::string, std::string, std::less<>>;

using Handler = std::function<Reply(const Request&, const PathParams&)>;

// Builds the answer to a request the server or the router refuses (400, 404, 405, 413, 431, 500, 503).
using ErrorBuilder = std::function<Response(int status, std::string_view message)>;

class Router {
 public:
  explicit Router(ErrorBuilder error);

  // Adds the route `method` ("GET", "POST", ..., or "*") + `pattern` (see the top of this file), accepting
  // bodies up to `body_limit` bytes (none: the server's default).
  // Throws std::invalid_argument for a malformed pattern, a route already there, or a pattern that would
  // match exactly the paths of another one spelled with other parameter names.
  void add(std::string method, std::string_view pattern, Handler handler,
           std::optional<std::size_t> body_limit = std::nullopt);

  // The handler's reply to `request`, or the 404/405 answer. Exceptions of the handler pass through.
  Reply route(const Request& request) const;

  // The body limit of the route that would take `method` + `target`; none when that route has no limit of its
  // own or no route takes the request.
  std::optional<std::size_t> body_limit(std::string_view method, std::string_view target) const;

  // The error builder's answer; a plain-text one when the builder itself fails. Never throws.
  Response error(int status, std::string_view message) const;

 private:
  struct Segment {
    enum class Kind { kRest, kParameter, kLiteral };  // least specific first
    Kind kind;
    std::string text;  // literal text, or the parameter's name
  };
  struct Route {
    std::string method;
    Handler handler;
    std::optional<std::size_t> body_limit;
  };
  struct Pattern {
    std::string text;  // as registered
    std::vector<Segment> segments;
    std::vector<Route> methods;  // in registration order
  };

  static std::vector<Segment> parse(std::string_view pattern);
  static bool more_specific(const std::vector<Segment>& a, const std::vector<Segment>& b);
  static bool matches(const std::vector<Segment>& segments, std::string_view path, PathParams* params);
  // The most specific pattern that matches `path`, its parameters in `params`; null when none does.
  const Pattern* find_pattern(std::string_view path, PathParams* params) const;
  // The pattern's route for `method`, else its "*" route; null when it has neither.
  static const Route* find_route(const Pattern& pattern, std::string_view method);
  Response method_not_allowed(const Pattern& pattern, std::string_view method) const;

  ErrorBuilder error_;
  std::vector<Pattern> patterns_;  // most specific first: the first that matches a path takes it
};

}  // namespace sagebox::http
