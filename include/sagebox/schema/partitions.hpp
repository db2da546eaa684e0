// Partitions: the AWS partition a region belongs to ("aws", "aws-cn", "aws-us-gov", ...), which is the field
// after "arn:" in every ARN made in that region. The table is AWS's partitions.json, cut by
// scripts/gen-partitions into schemas/partitions.json and embedded in the binary, like the shapes: nothing is
// read from disk at run time.
#pragma once

#include <string_view>

namespace sagebox::schema {

// The text of schemas/partitions.json as it was at build time.
std::string_view embedded_partitions_text();

// The partition of `region`, resolved as the AWS SDKs resolve it: the partition whose region list names it,
// else the first (in the table's order) whose regionRegex matches it, else "aws". Any text is accepted; one
// that no partition claims, malformed or not, is "aws". The view is valid for the life of the process. The
// table is parsed and its patterns compiled once, at the first call; thread-safe.
std::string_view partition_of(std::string_view region);

}  // namespace sagebox::schema
