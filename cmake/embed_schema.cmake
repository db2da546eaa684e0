# Writes OUTPUT, a C++ source that holds the text of INPUT (a file of schemas/) as
# std::string_view sagebox::schema::FUNCTION().
get_filename_component(INPUT_NAME ${INPUT} NAME)
file(READ ${INPUT} SCHEMA_TEXT)
string(LENGTH "${SCHEMA_TEXT}" SCHEMA_LENGTH)
# A raw string literal keeps the JSON byte for byte; it is cut in pieces because compilers cap one literal's size.
set(PIECES "")
set(OFFSET 0)
set(PIECE 16000)
while(OFFSET LESS SCHEMA_LENGTH)
  string(SUBSTRING "${SCHEMA_TEXT}" ${OFFSET} ${PIECE} CHUNK)
  string(APPEND PIECES "    R\"sagebox_schema(${CHUNK})sagebox_schema\"\n")
  math(EXPR OFFSET "${OFFSET} + ${PIECE}")
endwhile()
file(WRITE ${OUTPUT} "// Generated from schemas/${INPUT_NAME} by cmake/embed_schema.cmake. Do not edit.\n#include <string_view>\n\nnamespace sagebox::schema {\n\nstd::string_view ${FUNCTION}() {\n  static constexpr char text[] =\n${PIECES}    ;\n  return {text, sizeof(text) - 1};\n}\n\n}  // namespace sagebox::schema\n")
