// CreateModel, DescribeModel, DeleteModel, ListModels.
#include "listing.hpp"
#include "resources.hpp"

namespace sagebox::sagemaker {
namespace {

std::string name_of(const Json& input) { return input.at("ModelName").get<std::string>(); }

}  // namespace

void add_model_operations(OperationTable& table, const Context& context) {
  table["CreateModel"] = {"CreateModelInput", [&context](const auto& caller, const Json& input) {
                            return Json{{"ModelArn", create_resource(context, caller, kModelKind, input)}};
                          }};
  table["DescribeModel"] = {"DescribeModelInput", [&context](const auto& caller, const Json& input) {
                              return describe_resource(context, caller, kModelKind, name_of(input));
                            }};
  table["DeleteModel"] = {"DeleteModelInput", [&context](const auto& caller, const Json& input) {
                            delete_resource(context, caller, kModelKind, name_of(input));
                            return Json::object();
                          }};
  table["ListModels"] = {"ListModelsInput", [&context](const auto& caller, const Json& input) {
                           return list_resources(context, caller, kModelKind, input);
                         }};
}

}  // namespace sagebox::sagemaker
