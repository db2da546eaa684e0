#include <gtest/gtest.h>

#include "sagebox/error.hpp"
#include "sagebox/schema/schema.hpp"

using sagebox::Json;
using sagebox::schema::Schema;

TEST(Schema, Loads) { EXPECT_EQ(Schema::embedded().operations().size(), 16u); }
