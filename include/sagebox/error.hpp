// ApiError: the one error type of sagebox. Any stage may throw it; the front door that took the request (protocol/
// or admin/) alone turns it into bytes (`{"__type": code, "message": message}` with http_status).
#pragma once

#include <stdexcept>
#include <string>

namespace sagebox {

class ApiError : public std::runtime_error {
 public:
  ApiError(std::string code, std::string message, int http_status = 400)
      : std::runtime_error(message), code_(std::move(code)), message_(std::move(message)),
        http_status_(http_status) {}

  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  int http_status() const { return http_status_; }

  static ApiError validation(std::string message) { return {"ValidationException", std::move(message)}; }
  static ApiError serialization(std::string message) {
    return {"SerializationException", std::move(message)};
  }
  static ApiError internal(std::string message) { return {"InternalFailure", std::move(message), 500}; }

 private:
  std::string code_;
  std::string message_;
  int http_status_;
};

}  // namespace sagebox
