#include "endpoint_lifecycle.hpp"

#include "sagebox/error.hpp"

namespace sagebox::sagemaker {

StatusAt status_at(const Phase& phase, std::int64_t now_ms) {
  if (now_ms < phase.end_ms) return {phase.status, phase.start_ms, false};
  return {phase.then, phase.end_ms, true};
}

store::Lifecycle lifecycle_columns(const Phase& phase) {
  store::Lifecycle columns{phase.status, phase.start_ms, phase.end_ms, phase.then, std::nullopt, std::nullopt};
  if (phase.then.empty()) columns.gone_at_ms = phase.end_ms;
  return columns;
}

Json phase_to_json(const Phase& phase) {
  Json json{{"Status", phase.status}, {"Start", phase.start_ms}, {"End", phase.end_ms}, {"Then", phase.then}};
  if (!phase.failure_reason.empty()) json["FailureReason"] = phase.failure_reason;
  return json;
}

// FailureReason is absent from phases stored before lifecycles could be scripted, and from every phase that
// does not fail.
Phase phase_from_json(const Json& json) {
  return {json.at("Status").get<std::string>(), json.at("Start").get<std::int64_t>(),
          json.at("End").get<std::int64_t>(), json.at("Then").get<std::string>(),
          json.value("FailureReason", std::string())};
}

bool in_progress(std::string_view status) {
  return status == "Creating" || status == "Updating" || status == "Deleting" || status == "SystemUpdating" ||
         status == "RollingBack";
}

void require_changeable(std::string_view status, std::string_view arn, bool failed_allowed) {
  if (in_progress(status)) {
    throw ApiError::validation("Cannot update in-progress endpoint \"" + std::string(arn) + "\".");
  }
  if (status == "Failed" && !failed_allowed) {
    throw ApiError::validation("Cannot update failed endpoint \"" + std::string(arn) + "\".");
  }
}

}  // namespace sagebox::sagemaker
