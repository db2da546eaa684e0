// DataCapture: SageMaker's data capture records (JSON Lines), written below a local folder in the key layout
// SageMaker uses below DestinationS3Uri.
#include "sagebox/runtime/data_capture.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "sagebox/admin/journal.hpp"
#include "sagebox/crypto.hpp"

namespace sagebox::runtime {
namespace {

namespace fs = std::filesystem;

// The schemes DestinationS3Uri's pattern allows.
constexpr std::string_view kSchemes[] = {"s3://", "https://"};

// The member `name` of `object`, or nullptr when it is absent (or `object` is not an object).
const Json* member(const Json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

// Appends one folder name to `path`, refusing what a file system would read as something else than a name.
void append_name(fs::path& path, std::string_view name, std::string_view what) {
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of(std::string_view("/\0", 2)) != name.npos) {
    throw std::runtime_error("data capture: the " + std::string(what) + " \"" + std::string(name) +
                             "\" cannot be a folder name below the capture directory");
  }
  path /= name;
}

// The folder DestinationS3Uri names below `directory`: "s3://bucket/prefix/" → <directory>/bucket/prefix.
fs::path destination_folder(const fs::path& directory, const Json& config) {
  const Json* uri = member(config, "DestinationS3Uri");
  if (!uri || !uri->is_string()) {
    throw std::runtime_error("data capture: the configuration has no DestinationS3Uri");
  }
  std::string_view key = uri->get_ref<const std::string&>();
  bool has_scheme = false;
  for (std::string_view scheme : kSchemes) {
    if (key.starts_with(scheme)) {
      key.remove_prefix(scheme.size());
      has_scheme = true;
      break;
    }
  }
  if (!has_scheme) {
    throw std::runtime_error("data capture: DestinationS3Uri \"" + uri->get<std::string>() +
                             "\" is not an S3 URI");
  }
  fs::path folder = directory;
  bool has_bucket = false;
  while (!key.empty()) {
    const std::size_t slash = key.find('/');
    const std::string_view segment = key.substr(0, slash);
    if (!segment.empty()) {
      append_name(folder, segment, "DestinationS3Uri segment");
      has_bucket = true;
    }
    key.remove_prefix(slash == key.npos ? key.size() : slash + 1);
  }
  if (!has_bucket) {
    throw std::runtime_error("data capture: DestinationS3Uri \"" + uri->get<std::string>() +
                             "\" names no bucket");
  }
  return folder;
}

// Which of endpointInput and endpointOutput CaptureOptions asks for.
struct Modes {
  bool input = false;
  bool output = false;
};

Modes capture_modes(const Json& config) {
  Modes modes;
  const Json* options = member(config, "CaptureOptions");
  if (!options || !options->is_array()) return modes;
  for (const Json& option : *options) {
    const Json* mode = member(option, "CaptureMode");
    if (!mode || !mode->is_string()) continue;
    const auto& name = mode->get_ref<const std::string&>();
    modes.input |= name == "Input" || name == "InputAndOutput";
    modes.output |= name == "Output" || name == "InputAndOutput";
  }
  return modes;
}

// Whether `content_type` is one of the list `types` (CsvContentTypes or JsonContentTypes): equal to one, or
// its media type without parameters equal to one ignoring case.
bool listed(const Json* types, std::string_view content_type) {
  if (!types || !types->is_array()) return false;
  const std::string media_type =
      boost::algorithm::trim_copy(std::string(content_type.substr(0, content_type.find(';'))));
  for (const Json& type : *types) {
    if (!type.is_string()) continue;
    const auto& name = type.get_ref<const std::string&>();
    if (name == content_type || boost::algorithm::iequals(name, media_type)) return true;
  }
  return false;
}

// Whether nlohmann::json can print `text` as a string: the check its serializer makes, so that a line holding
// it as text can always be written.
bool is_utf8(const std::string& text) {
  try {
    (void)Json(text).dump();
    return true;
  } catch (const Json::type_error&) {
    return false;
  }
}

// One side of captureData: endpointInput or endpointOutput, in SageMaker's member order.
Json captured_data(const Json& config, const std::string& content_type, const std::string& body,
                   const char* mode) {
  const Json* type_header = member(config, "CaptureContentTypeHeader");
  const char* encoding = "BASE64";
  if (type_header && listed(member(*type_header, "CsvContentTypes"), content_type)) {
    encoding = "CSV";
  } else if (type_header && listed(member(*type_header, "JsonContentTypes"), content_type)) {
    encoding = "JSON";
  }
  const bool as_text = std::string_view(encoding) != "BASE64" && is_utf8(body);
  Json data = Json::object();
  data["observedContentType"] = content_type;
  data["mode"] = mode;
  data["data"] = as_text ? body : crypto::base64(body);
  data["encoding"] = as_text ? encoding : "BASE64";
  return data;
}

// The time as SageMaker cuts it up, from the journal's fixed-width "2026-12-04T10:15:30.123Z".
struct TimeParts {
  std::string inference_time;  // "2026-12-04T10:15:30Z"
  std::string hour_folder;     // "2026/12/04/10"
  std::string file_prefix;     // "15-30-123" (minute, second, millisecond)
};

TimeParts time_parts(std::chrono::system_clock::time_point time) {
  const std::string text = admin::iso8601_milliseconds(time);
  TimeParts parts;
  parts.inference_time = text.substr(0, 19) + "Z";
  parts.hour_folder =
      text.substr(0, 4) + "/" + text.substr(5, 2) + "/" + text.substr(8, 2) + "/" + text.substr(11, 2);
  parts.file_prefix = text.substr(14, 2) + "-" + text.substr(17, 2) + "-" + text.substr(20, 3);
  return parts;
}

}  // namespace

DataCapture::DataCapture(std::filesystem::path directory, std::function<double()> random)
    : directory_(std::move(directory)), random_(std::move(random)) {}

std::filesystem::path DataCapture::record(const Json& config, const Invocation& invocation,
                                          const ModelAnswer& answer,
                                          std::chrono::system_clock::time_point time) {
  if (!config.is_object()) return {};
  if (const Json* enabled = member(config, "EnableCapture");
      enabled && enabled->is_boolean() && !enabled->get<bool>()) {
    return {};
  }
  const Modes modes = capture_modes(config);
  if (!modes.input && !modes.output) return {};

  // Checked before the draw: a destination that cannot be written fails every time, not now and then.
  const TimeParts parts = time_parts(time);
  fs::path folder = destination_folder(directory_, config);
  append_name(folder, invocation.endpoint, "endpoint name");
  append_name(folder, invocation.variant, "variant name");
  folder /= fs::path(parts.hour_folder);

  const Json* percentage = member(config, "InitialSamplingPercentage");
  const double threshold = percentage && percentage->is_number() ? percentage->get<double>() : 0.0;
  {
    std::lock_guard lock(mutex_);
    if (!(random_() * 100 < threshold)) return {};
  }

  // The line is built without the lock: a body may be megabytes to encode.
  Json capture_data = Json::object();
  if (modes.input) {
    capture_data["endpointInput"] = captured_data(config, invocation.content_type, invocation.body, "INPUT");
  }
  if (modes.output) {
    capture_data["endpointOutput"] = captured_data(config, answer.content_type, answer.body, "OUTPUT");
  }
  Json event_metadata = Json::object();
  event_metadata["eventId"] = crypto::request_id();
  if (!invocation.inference_id.empty()) event_metadata["inferenceId"] = invocation.inference_id;
  event_metadata["inferenceTime"] = parts.inference_time;
  Json line = Json::object();
  line["captureData"] = std::move(capture_data);
  line["eventMetadata"] = std::move(event_metadata);
  line["eventVersion"] = "0";
  // The data is valid UTF-8 by now; the headers (content types, inference id) need not be, and are replaced.
  std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
  text += '\n';

  std::lock_guard lock(mutex_);
  auto [entry, is_new] = files_.try_emplace(folder);
  if (is_new) entry->second = folder / (parts.file_prefix + "-" + crypto::request_id() + ".jsonl");
  const fs::path file = entry->second;
  std::error_code error;
  // Every time rather than only for a new file: a test may have emptied the folder since.
  fs::create_directories(folder, error);
  if (error) {
    throw std::runtime_error("data capture: cannot create the folder " + folder.string() + ": " +
                             error.message());
  }
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) throw std::runtime_error("data capture: cannot write to " + file.string());
  return file;
}

}  // namespace sagebox::runtime
