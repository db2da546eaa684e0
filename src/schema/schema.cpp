#include "sagebox/schema/schema.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "regex.hpp"
#include "sagebox/error.hpp"
#include "text.hpp"

namespace sagebox::schema {
namespace {

enum class Kind { Structure, List, Map, String, Integer, Long, Float, Double, Boolean, Timestamp };

struct Shape;

struct Member {
  std::string name;       // as on the wire: "EndpointConfigName"
  std::string path_name;  // as in messages: "endpointConfigName"
  const Shape* shape = nullptr;
  bool required = false;
};

struct Bound {
  double value = 0;
  std::string text;  // as the model writes it, for messages
};

struct Shape {
  std::string name;
  Kind kind = Kind::Structure;
  std::vector<Member> members;    // structure, in model order
  const Shape* member = nullptr;  // list
  const Shape* key = nullptr;     // map
  const Shape* value = nullptr;   // map
  std::optional<Bound> min;
  std::optional<Bound> max;
  std::string pattern;  // as displayed in messages
  std::unique_ptr<Regex> regex;
  std::vector<std::string> enum_values;
  std::string enum_text;  // "[a, b, c]"
};

// -----------------------------------------------------------------------------------------------------------
// Loading the schema document.

Kind kind_of(const std::string& type) {
  static const std::map<std::string, Kind, std::less<>> kinds = {
      {"structure", Kind::Structure}, {"list", Kind::List},       {"map", Kind::Map},
      {"string", Kind::String},       {"integer", Kind::Integer}, {"long", Kind::Long},
      {"float", Kind::Float},         {"double", Kind::Double},   {"boolean", Kind::Boolean},
      {"timestamp", Kind::Timestamp}};
  const auto it = kinds.find(type);
  if (it == kinds.end()) throw std::runtime_error("schema: unknown shape type " + type);
  return it->second;
}

std::string lower_camel(std::string name) {
  if (!name.empty() && name[0] >= 'A' && name[0] <= 'Z') name[0] = static_cast<char>(name[0] - 'A' + 'a');
  return name;
}

std::optional<Bound> bound_of(const Json& shape, const char* key) {
  const auto it = shape.find(key);
  if (it == shape.end()) return std::nullopt;
  if (!it->is_number()) throw std::runtime_error(std::string("schema: ") + key + " is not a number");
  return Bound{it->get<double>(), it->dump()};
}

std::string join_enum(const std::vector<std::string>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + values[i];
  return text + "]";
}

// -----------------------------------------------------------------------------------------------------------
// Paths and values as Coral prints them.

// A path is a chain of stack frames, rendered only when a message needs it: validating allocates nothing for
// it.
struct Path {
  const Path* parent = nullptr;
  std::string_view name;  // a member's path name, or a map key
  std::size_t index = 0;  // 1-based list index; 0 for members and map entries
  bool entry = false;     // list item or map value: rendered with ".member"
};

void append_path(std::string& out, const Path* path) {
  if (path == nullptr) return;
  append_path(out, path->parent);
  if (!out.empty()) out += '.';
  if (path->index != 0) {
    out += std::to_string(path->index);
  } else {
    out += path->name;
  }
  if (path->entry) out += ".member";
}

std::string path_text(const Path* path) {
  std::string out;
  append_path(out, path);
  return out;
}

void append_value(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      out += value.get_ref<const std::string&>();
      break;
    case Json::value_t::array:
      out += '[';
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (i) out += ", ";
        append_value(out, value[i]);
      }
      out += ']';
      break;
    case Json::value_t::object: {
      // Java's Map.toString layout, for maps and structures alike.
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += key;
        out += '=';
        append_value(out, item);
      }
      out += '}';
      break;
    }
    default:
      out += value.dump();
  }
}

// -----------------------------------------------------------------------------------------------------------
// Pass 1: JSON types. Builds the normalized value or throws SerializationException.

const char* json_type_name(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::null:
      return "null";
    default:
      return "number";
  }
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::Structure:
      return "structure";
    case Kind::List:
      return "list";
    case Kind::Map:
      return "map";
    case Kind::String:
      return "string";
    case Kind::Integer:
      return "integer";
    case Kind::Long:
      return "long";
    case Kind::Float:
      return "float";
    case Kind::Double:
      return "double";
    case Kind::Boolean:
      return "boolean";
    case Kind::Timestamp:
      return "timestamp";
  }
  return "value";
}

std::string where(const Path* path) {
  return path == nullptr ? "at the top level" : "at '" + path_text(path) + "'";
}

[[noreturn]] void wrong_type(Kind expected, const Json& value, const Path* path) {
  std::string got = json_type_name(value);
  if (value.is_number()) got += " " + value.dump();
  throw ApiError::serialization(std::string("Expected ") + kind_name(expected) + " " + where(path) +
                                ", got " + got);
}

[[noreturn]] void out_of_range(Kind expected, const Json& value, const Path* path) {
  throw ApiError::serialization(std::string("Number out of range for ") + kind_name(expected) + " " +
                                where(path) + ": " + value.dump());
}

void require_utf8(std::string_view text, const Path* path) {
  if (!is_valid_utf8(text)) throw ApiError::serialization("Invalid UTF-8 in string " + where(path));
}

// An integral JSON number within [lo, hi]. Integral floats (2.0) are accepted and become integers.
Json normalize_integer(Kind kind, const Json& value, const Path* path, std::int64_t lo, std::int64_t hi) {
  if (!value.is_number()) wrong_type(kind, value, path);
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(hi)) out_of_range(kind, value, path);
    return static_cast<std::int64_t>(n);
  }
  if (value.is_number_integer()) {
    const auto n = value.get<std::int64_t>();
    if (n < lo || n > hi) out_of_range(kind, value, path);
    return n;
  }
  const double d = value.get<double>();
  if (!std::isfinite(d) || std::trunc(d) != d) wrong_type(kind, value, path);
  // hi + 1 is a power of two and exact as a double (for int64, double(hi) already rounds up to it).
  if (d < static_cast<double>(lo) || d >= static_cast<double>(hi) + 1.0) out_of_range(kind, value, path);
  return static_cast<std::int64_t>(d);
}

Json normalize_real(Kind kind, const Json& value, const Path* path) {
  if (!value.is_number()) wrong_type(kind, value, path);
  const double d = value.get<double>();
  const double limit = kind == Kind::Float ? FLT_MAX : DBL_MAX;
  if (!std::isfinite(d) || std::fabs(d) > limit) out_of_range(kind, value, path);
  return d;
}

Json normalize_timestamp(const Json& value, const Path* path) {
  if (value.is_number()) {
    if (value.is_number_float() && !std::isfinite(value.get<double>()))
      out_of_range(Kind::Timestamp, value, path);
    return value;
  }
  if (!value.is_string()) wrong_type(Kind::Timestamp, value, path);
  const auto seconds = parse_iso8601(value.get_ref<const std::string&>());
  if (!seconds) {
    throw ApiError::serialization("Invalid timestamp " + where(path) +
                                  ": expected epoch seconds or an ISO-8601 date-time");
  }
  // Millisecond precision, as AWS keeps; whole seconds stay integers.
  const double millis = std::round(*seconds * 1000) / 1000;
  if (millis == std::trunc(millis)) return static_cast<std::int64_t>(millis);
  return millis;
}

// Appending straight to the object's vector skips ordered_map's linear search on every insert (the keys are
// distinct already), and reserving avoids copying the const keys each time the vector grows.
Json::object_t& fresh_object(Json& out, std::size_t capacity) {
  out = Json::object();
  auto& object = out.get_ref<Json::object_t&>();
  object.reserve(capacity);
  return object;
}

Json::array_t& fresh_array(Json& out, std::size_t capacity) {
  out = Json::array();
  auto& array = out.get_ref<Json::array_t&>();
  array.reserve(capacity);
  return array;
}

Json normalize(const Shape& shape, const Json& value, const Path* path);

Json normalize_structure(const Shape& shape, const Json& value, const Path* path) {
  if (!value.is_object()) wrong_type(shape.kind, value, path);
  Json out;
  auto& members = fresh_object(out, std::min(value.size(), shape.members.size()));
  for (const Member& member : shape.members) {
    const auto it = value.find(member.name);
    if (it == value.end() || it->is_null()) continue;
    const Path here{path, member.path_name};
    members.emplace_back(member.name, normalize(*member.shape, *it, &here));
  }
  return out;
}

// Nulls inside lists and maps stay, so that the constraint pass reports them at their own index.
Json normalize_list(const Shape& shape, const Json& value, const Path* path) {
  if (!value.is_array()) wrong_type(shape.kind, value, path);
  Json out;
  auto& items = fresh_array(out, value.size());
  std::size_t index = 0;
  for (const Json& item : value) {
    const Path here{path, {}, ++index, true};
    items.push_back(item.is_null() ? Json() : normalize(*shape.member, item, &here));
  }
  return out;
}

Json normalize_map(const Shape& shape, const Json& value, const Path* path) {
  if (!value.is_object()) wrong_type(shape.kind, value, path);
  Json out;
  auto& entries = fresh_object(out, value.size());
  for (const auto& [key, item] : value.items()) {
    const Path here{path, key, 0, true};
    require_utf8(key, &here);
    entries.emplace_back(key, item.is_null() ? Json() : normalize(*shape.value, item, &here));
  }
  return out;
}

Json normalize(const Shape& shape, const Json& value, const Path* path) {
  switch (shape.kind) {
    case Kind::Structure:
      return normalize_structure(shape, value, path);
    case Kind::List:
      return normalize_list(shape, value, path);
    case Kind::Map:
      return normalize_map(shape, value, path);
    case Kind::String:
      if (!value.is_string()) wrong_type(shape.kind, value, path);
      require_utf8(value.get_ref<const std::string&>(), path);
      return value;
    case Kind::Boolean:
      if (!value.is_boolean()) wrong_type(shape.kind, value, path);
      return value;
    case Kind::Integer:
      return normalize_integer(shape.kind, value, path, std::numeric_limits<std::int32_t>::min(),
                               std::numeric_limits<std::int32_t>::max());
    case Kind::Long:
      return normalize_integer(shape.kind, value, path, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max());
    case Kind::Float:
    case Kind::Double:
      return normalize_real(shape.kind, value, path);
    case Kind::Timestamp:
      return normalize_timestamp(value, path);
  }
  return value;
}

// -----------------------------------------------------------------------------------------------------------
// Pass 2: constraints, over the normalized value. Collects Coral's message items.

constexpr std::size_t kMaxItems = 10;

class Violations {
 public:
  bool full() const { return items_.size() >= kMaxItems; }
  bool empty() const { return items_.empty(); }

  void add(const Json* value, const Path* path, std::string_view constraint) {
    if (full()) return;
    std::string item = "Value ";
    if (value == nullptr) {
      item += "null";
    } else {
      item += '\'';
      append_value(item, *value);
      item += '\'';
    }
    item += " at '";
    item += path_text(path);
    item += "' failed to satisfy constraint: ";
    item += constraint;
    items_.push_back(std::move(item));
  }

  std::string message() const {
    std::string text = std::to_string(items_.size()) + (items_.size() == 1 ? " validation error detected: "
                                                                           : " validation errors detected: ");
    for (std::size_t i = 0; i < items_.size(); ++i) text += (i ? "; " : "") + items_[i];
    return text;
  }

 private:
  std::vector<std::string> items_;
};

std::string length_failure(const Shape& shape, std::size_t length) {
  if (shape.max && static_cast<double>(length) > shape.max->value) {
    return "Member must have length less than or equal to " + shape.max->text;
  }
  if (shape.min && static_cast<double>(length) < shape.min->value) {
    return "Member must have length greater than or equal to " + shape.min->text;
  }
  return {};
}

std::string range_failure(const Shape& shape, double value) {
  if (shape.min && value < shape.min->value) {
    return "Member must have value greater than or equal to " + shape.min->text;
  }
  if (shape.max && value > shape.max->value)
    return "Member must have value less than or equal to " + shape.max->text;
  return {};
}

// The failures of one string, in message order: length, pattern, enum.
std::vector<std::string> string_failures(const Shape& shape, const std::string& text) {
  std::vector<std::string> failures;
  if (shape.min || shape.max) {
    if (auto failure = length_failure(shape, utf16_length(text)); !failure.empty())
      failures.push_back(failure);
  }
  if (shape.regex && !shape.regex->matches(text)) {
    failures.push_back("Member must satisfy regular expression pattern: " + shape.pattern);
  }
  if (!shape.enum_values.empty() &&
      std::find(shape.enum_values.begin(), shape.enum_values.end(), text) == shape.enum_values.end()) {
    failures.push_back("Member must satisfy enum value set: " + shape.enum_text);
  }
  return failures;
}

void check(const Shape& shape, const Json& value, const Path* path, Violations& out);

void check_structure(const Shape& shape, const Json& value, const Path* path, Violations& out) {
  for (const Member& member : shape.members) {
    if (out.full()) return;
    const Path here{path, member.path_name};
    const auto it = value.find(member.name);
    if (it == value.end()) {
      if (member.required) out.add(nullptr, &here, "Member must not be null");
      continue;
    }
    check(*member.shape, *it, &here, out);
  }
}

void check_list(const Shape& shape, const Json& value, const Path* path, Violations& out) {
  if (auto failure = length_failure(shape, value.size()); !failure.empty()) out.add(&value, path, failure);
  std::size_t index = 0;
  for (const Json& item : value) {
    if (out.full()) return;
    const Path here{path, {}, ++index, true};
    check(*shape.member, item, &here, out);
  }
}

// Coral reports bad map keys once for the whole map, listing what the keys failed (DynamoDB's observed form).
void check_map_keys(const Shape& shape, const Json& value, const Path* path, Violations& out) {
  std::vector<std::string> failures;
  for (const auto& [key, item] : value.items()) {
    for (auto& failure : string_failures(*shape.key, key)) {
      if (std::find(failures.begin(), failures.end(), failure) == failures.end())
        failures.push_back(std::move(failure));
    }
  }
  if (failures.empty()) return;
  std::string constraint = "Map keys must satisfy constraint: [";
  for (std::size_t i = 0; i < failures.size(); ++i) constraint += (i ? ", " : "") + failures[i];
  out.add(&value, path, constraint + "]");
}

void check_map(const Shape& shape, const Json& value, const Path* path, Violations& out) {
  if (auto failure = length_failure(shape, value.size()); !failure.empty()) out.add(&value, path, failure);
  check_map_keys(shape, value, path, out);
  for (const auto& [key, item] : value.items()) {
    if (out.full()) return;
    const Path here{path, key, 0, true};
    check(*shape.value, item, &here, out);
  }
}

void check(const Shape& shape, const Json& value, const Path* path, Violations& out) {
  if (value.is_null()) {
    out.add(nullptr, path, "Member must not be null");
    return;
  }
  switch (shape.kind) {
    case Kind::Structure:
      return check_structure(shape, value, path, out);
    case Kind::List:
      return check_list(shape, value, path, out);
    case Kind::Map:
      return check_map(shape, value, path, out);
    case Kind::String:
      for (const auto& failure : string_failures(shape, value.get_ref<const std::string&>())) {
        out.add(&value, path, failure);
      }
      return;
    case Kind::Integer:
    case Kind::Long:
    case Kind::Float:
    case Kind::Double:
      if (shape.min || shape.max) {
        if (auto failure = range_failure(shape, value.get<double>()); !failure.empty())
          out.add(&value, path, failure);
      }
      return;
    case Kind::Boolean:
    case Kind::Timestamp:
      return;
  }
}

// -----------------------------------------------------------------------------------------------------------
// project(): shape a stored document, no checks.

Json project_value(const Shape& shape, const Json& value) {
  switch (shape.kind) {
    case Kind::Structure: {
      if (!value.is_object()) return value;
      Json out;
      auto& members = fresh_object(out, std::min(value.size(), shape.members.size()));
      for (const Member& member : shape.members) {
        if (const auto it = value.find(member.name); it != value.end()) {
          members.emplace_back(member.name, project_value(*member.shape, *it));
        }
      }
      return out;
    }
    case Kind::List: {
      if (!value.is_array()) return value;
      Json out;
      auto& items = fresh_array(out, value.size());
      for (const Json& item : value) items.push_back(project_value(*shape.member, item));
      return out;
    }
    case Kind::Map: {
      if (!value.is_object()) return value;
      Json out;
      auto& entries = fresh_object(out, value.size());
      for (const auto& [key, item] : value.items())
        entries.emplace_back(key, project_value(*shape.value, item));
      return out;
    }
    default:
      return value;
  }
}

}  // namespace

// -----------------------------------------------------------------------------------------------------------

struct Schema::Impl {
  std::map<std::string, OperationShapes, std::less<>> operations;
  std::map<std::string, std::unique_ptr<Shape>, std::less<>> shapes;

  const Shape& shape(std::string_view name) const {
    const auto it = shapes.find(name);
    if (it == shapes.end()) throw std::invalid_argument("schema: no shape named " + std::string(name));
    return *it->second;
  }

  const Shape* resolve(const std::string& target, const std::string& owner) const {
    const auto it = shapes.find(target);
    if (it == shapes.end())
      throw std::runtime_error("schema: shape " + owner + " refers to unknown shape " + target);
    return it->second.get();
  }

  const Shape* reference(const Json& spec, const char* key, const std::string& owner) const {
    const auto it = spec.find(key);
    if (it == spec.end() || !it->is_string()) {
      throw std::runtime_error("schema: shape " + owner + " lacks its " + key);
    }
    return resolve(it->get_ref<const std::string&>(), owner);
  }

  void load_operations(const Json& document) {
    for (const auto& [name, io] : document.at("operations").items()) {
      OperationShapes shapes_of{io.value("input", ""), io.value("output", "")};
      for (const auto* used : {&shapes_of.input, &shapes_of.output}) {
        if (!used->empty() && !shapes.contains(*used)) {
          throw std::runtime_error("schema: operation " + name + " uses unknown shape " + *used);
        }
      }
      operations.emplace(name, std::move(shapes_of));
    }
  }

  // Every shape is created before any is linked, so references may point forward.
  void load_shapes(const Json& document) {
    const Json& specs = document.at("shapes");
    for (const auto& [name, spec] : specs.items()) {
      auto shape = std::make_unique<Shape>();
      shape->name = name;
      shape->kind = kind_of(spec.at("type").get<std::string>());
      shapes.emplace(name, std::move(shape));
    }
    for (const auto& [name, spec] : specs.items()) link(*shapes.find(name)->second, spec);
  }

  void link(Shape& shape, const Json& spec) const {
    if (shape.kind == Kind::Structure) link_members(shape, spec);
    if (shape.kind == Kind::List) shape.member = reference(spec, "member", shape.name);
    if (shape.kind == Kind::Map) {
      shape.key = reference(spec, "key", shape.name);
      shape.value = reference(spec, "value", shape.name);
    }
    shape.min = bound_of(spec, "min");
    shape.max = bound_of(spec, "max");
    if (const auto it = spec.find("pattern"); it != spec.end()) {
      shape.pattern = it->get<std::string>();
      shape.regex = std::make_unique<Regex>(shape.pattern);
    }
    if (const auto it = spec.find("enum"); it != spec.end()) {
      shape.enum_values = it->get<std::vector<std::string>>();
      shape.enum_text = join_enum(shape.enum_values);
    }
  }

  void link_members(Shape& shape, const Json& spec) const {
    const auto required = spec.value("required", std::vector<std::string>{});
    const Json members = spec.value("members", Json::object());
    for (const auto& [member_name, target] : members.items()) {
      Member member;
      member.name = member_name;
      member.path_name = lower_camel(member_name);
      member.shape = resolve(target.get<std::string>(), shape.name);
      member.required = std::find(required.begin(), required.end(), member_name) != required.end();
      shape.members.push_back(std::move(member));
    }
  }
};

Schema::Schema(const Json& document) : impl_(std::make_unique<Impl>()) {
  try {
    impl_->load_shapes(document);
    impl_->load_operations(document);
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("schema: malformed document: ") + e.what());
  }
}

Schema::~Schema() = default;

const Schema& Schema::embedded() {
  static const Schema schema{Json::parse(embedded_schema_text())};
  return schema;
}

const std::map<std::string, OperationShapes, std::less<>>& Schema::operations() const {
  return impl_->operations;
}

bool Schema::has_shape(std::string_view name) const { return impl_->shapes.contains(name); }

Json Schema::validate(std::string_view shape_name, const Json& input) const {
  const Shape& shape = impl_->shape(shape_name);
  Json normalized = normalize(shape, input, nullptr);
  Violations violations;
  check(shape, normalized, nullptr, violations);
  if (!violations.empty()) throw ApiError::validation(violations.message());
  return normalized;
}

Json Schema::project(std::string_view shape_name, const Json& value) const {
  return project_value(impl_->shape(shape_name), value);
}

}  // namespace sagebox::schema
