// CreateModel, DescribeModel, DeleteModel, ListModels.
#include "resources.hpp"

namespace sagebox::sagemaker {

void add_model_operations(OperationTable& table, const Context& context) {
  table["CreateModel"] = {"CreateModelInput", [&context](const auto& caller, const Json& input) {
                            return Json{{"ModelArn", create_resource(context, caller, kModelKind, input)}};
                          }};
  add_describe_delete_list(table, context, kModelKind);
}

}  // namespace sagebox::sagemaker
