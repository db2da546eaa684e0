#include "sagebox/http/router.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <stdexcept>
#include <string>

#include "sagebox/log.hpp"

namespace sagebox::http {
namespace {

// An unknown method is echoed in the 405 message up to this length.
constexpr std::size_t kShownMethodLength = 32;

bool is_parameter(std::string_view segment) {
  if (segment.size() < 3 || segment.front() != '{' || segment.back() != '}') return false;
  const std::string_view name = segment.substr(1, segment.size() - 2);
  return std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> form_decoded(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      decoded += ' ';
    } else if (text[i] != '%') {
      decoded += text[i];
    } else {
      const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) return std::nullopt;
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return decoded;
}

}  // namespace

std::string_view path_of(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int high = text[i] == '%' && i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(text[i + 2]) : -1;
    if (low < 0) {
      out += text[i];
      continue;
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::optional<QueryParams> query_params(std::string_view target) {
  QueryParams params;
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return params;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    std::optional<std::string> name = form_decoded(pair.substr(0, equals));
    std::optional<std::string> value =
        form_decoded(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1));
    if (!name || !value) return std::nullopt;
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

Router::Router(ErrorBuilder error) : error_(std::move(error)) {}

std::vector<Router::Segment> Router::parse(std::string_view pattern) {
  auto malformed = [pattern](std::string_view why) {
    return std::invalid_argument("route pattern '" + std::string(pattern) + "': " + std::string(why));
  };
  if (!pattern.starts_with('/')) throw malformed("must begin with '/'");
  std::vector<Segment> segments;
  if (pattern == "/") return segments;
  std::string_view rest = pattern.substr(1);
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view piece = rest.substr(0, slash);
    if (!segments.empty() && segments.back().kind == Segment::Kind::kRest)
      throw malformed("'**' must be last");
    if (piece.empty()) throw malformed("empty segment");
    if (piece == "**") {
      segments.push_back({Segment::Kind::kRest, ""});
    } else if (is_parameter(piece)) {
      segments.push_back({Segment::Kind::kParameter, std::string(piece.substr(1, piece.size() - 2))});
    } else if (piece.find_first_of("{}*") != std::string_view::npos) {
      throw malformed("a segment is literal text, {name} or **");
    } else {
      segments.push_back({Segment::Kind::kLiteral, std::string(piece)});
    }
    if (slash == std::string_view::npos) return segments;
    rest = rest.substr(slash + 1);
  }
}

// Segment by segment, by kind alone; a pattern that has ended ranks above any segment (an exact end beats
// `**`). Patterns of one kind sequence can both match a path only when they are the same shape, which add()
// refuses.
bool Router::more_specific(const std::vector<Segment>& a, const std::vector<Segment>& b) {
  constexpr int kEnded = 3;
  for (std::size_t i = 0;; ++i) {
    const int ka = i < a.size() ? static_cast<int>(a[i].kind) : kEnded;
    const int kb = i < b.size() ? static_cast<int>(b[i].kind) : kEnded;
    if (ka != kb) return ka > kb;
    if (ka == kEnded) return false;
  }
}

bool Router::matches(const std::vector<Segment>& segments, std::string_view path, PathParams* params) {
  // A target in another form ("*", "http://host/x") has no segments to compare: only "/**" takes it.
  if (!path.starts_with('/')) return !segments.empty() && segments.front().kind == Segment::Kind::kRest;
  std::string_view rest = path.substr(1);
  bool ended = rest.empty();
  for (const Segment& segment : segments) {
    if (segment.kind == Segment::Kind::kRest) return true;
    if (ended) return false;
    const std::size_t slash = rest.find('/');
    const std::string_view piece = rest.substr(0, slash);
    if (segment.kind == Segment::Kind::kLiteral && piece != segment.text) return false;
    if (segment.kind == Segment::Kind::kParameter) {
      if (piece.empty()) return false;
      params->insert_or_assign(segment.text, std::string(piece));
    }
    if (slash == std::string_view::npos) {
      ended = true;
    } else {
      rest = rest.substr(slash + 1);
    }
  }
  return ended;
}

void Router::add(std::string method, std::string_view pattern, Handler handler,
                 std::optional<std::size_t> body_limit) {
  std::vector<Segment> segments = parse(pattern);
  auto same_shape = [&segments](const Pattern& other) {
    return std::equal(segments.begin(), segments.end(), other.segments.begin(), other.segments.end(),
                      [](const Segment& a, const Segment& b) {
                        return a.kind == b.kind && (a.kind != Segment::Kind::kLiteral || a.text == b.text);
                      });
  };
  auto existing = std::find_if(patterns_.begin(), patterns_.end(), same_shape);
  if (existing != patterns_.end() && existing->text != pattern) {
    throw std::invalid_argument("route pattern '" + std::string(pattern) + "' matches the same paths as '" +
                                existing->text + "'");
  }
  if (existing == patterns_.end()) {
    // After every pattern at least as specific: the first match is then the most specific.
    auto at = std::find_if(patterns_.begin(), patterns_.end(),
                           [&segments](const Pattern& p) { return more_specific(segments, p.segments); });
    existing = patterns_.insert(at, Pattern{std::string(pattern), std::move(segments), {}});
  }
  for (const Route& registered : existing->methods) {
    if (registered.method == method) {
      throw std::invalid_argument("route " + method + " " + std::string(pattern) + " is already there");
    }
  }
  existing->methods.push_back(Route{std::move(method), std::move(handler), body_limit});
}

const Router::Pattern* Router::find_pattern(std::string_view path, PathParams* params) const {
  for (const Pattern& pattern : patterns_) {
    params->clear();
    if (matches(pattern.segments, path, params)) return &pattern;
  }
  return nullptr;
}

const Router::Route* Router::find_route(const Pattern& pattern, std::string_view method) {
  const Route* any = nullptr;
  for (const Route& route : pattern.methods) {
    if (route.method == method) return &route;
    if (route.method == "*") any = &route;
  }
  return any;
}

Reply Router::route(const Request& request) const {
  const std::string_view path = path_of(request.target);
  PathParams params;
  const Pattern* pattern = find_pattern(path, &params);
  if (pattern == nullptr) return error(404, "No route for " + std::string(path));
  const Route* route = find_route(*pattern, request.method);
  if (route == nullptr) return method_not_allowed(*pattern, request.method);
  return route->handler(request, params);
}

std::optional<std::size_t> Router::body_limit(std::string_view method, std::string_view target) const {
  PathParams params;
  const Pattern* pattern = find_pattern(path_of(target), &params);
  const Route* route = pattern == nullptr ? nullptr : find_route(*pattern, method);
  return route == nullptr ? std::nullopt : route->body_limit;
}

Response Router::method_not_allowed(const Pattern& pattern, std::string_view method) const {
  std::string allow;
  for (const Route& route : pattern.methods) allow += (allow.empty() ? "" : ", ") + route.method;
  const std::string shown = method.size() <= kShownMethodLength
                                ? std::string(method)
                                : std::string(method.substr(0, kShownMethodLength)) + "...";
  Response response = error(405, "Method " + shown + " is not allowed here; use " + allow);
  response.headers.emplace_back("Allow", allow);
  return response;
}

Response Router::error(int status, std::string_view message) const {
  try {
    if (error_) return error_(status, message);
  } catch (const std::exception& e) {
    log::warn(std::string("error route failed: ") + e.what());
  } catch (...) {
    log::warn("error route failed");
  }
  Response fallback;
  fallback.status = status;
  fallback.content_type = "text/plain";
  fallback.body = std::string(message) + "\n";
  return fallback;
}

}  // namespace sagebox::http
