# Writes OUTPUT, a C++ source that holds the dashboard's files (INPUTS, paths separated by '|') as
# std::span<const sagebox::admin::DashboardFile> sagebox::admin::dashboard_files(), each with its name (the
# file name) and its Content-Type, chosen by extension.
string(REPLACE "|" ";" INPUTS "${INPUTS}")
set(ENTRIES "")
foreach(input IN LISTS INPUTS)
  get_filename_component(name ${input} NAME)
  get_filename_component(extension ${input} LAST_EXT)
  if(extension STREQUAL ".html")
    set(type "text/html; charset=utf-8")
  elseif(extension STREQUAL ".css")
    set(type "text/css; charset=utf-8")
  elseif(extension STREQUAL ".js")
    set(type "text/javascript; charset=utf-8")
  elseif(extension STREQUAL ".svg")
    set(type "image/svg+xml")
  else()
    message(FATAL_ERROR "embed_dashboard: no Content-Type for ${name}")
  endif()
  file(READ ${input} text)
  string(FIND "${text}" ")sagebox_ui\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "embed_dashboard: ${name} contains the raw string's delimiter")
  endif()
  string(LENGTH "${text}" length)
  # A raw string literal keeps the text byte for byte; it is cut in pieces because compilers cap one literal's size.
  set(pieces "")
  set(offset 0)
  while(offset LESS length)
    string(SUBSTRING "${text}" ${offset} 16000 chunk)
    string(APPEND pieces "R\"sagebox_ui(${chunk})sagebox_ui\"\n")
    math(EXPR offset "${offset} + 16000")
  endwhile()
  if(pieces STREQUAL "")
    set(pieces "\"\"")
  endif()
  string(APPEND ENTRIES "    {\"${name}\", \"${type}\",\n${pieces}},\n")
endforeach()
file(WRITE ${OUTPUT} "// Generated from src/admin/dashboard/ by cmake/embed_dashboard.cmake. Do not edit.
#include \"sagebox/admin/dashboard.hpp\"

namespace sagebox::admin {

std::span<const DashboardFile> dashboard_files() {
  static constexpr DashboardFile files[] = {
${ENTRIES}  };
  return files;
}

}  // namespace sagebox::admin
")
