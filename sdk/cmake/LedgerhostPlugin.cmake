# lh_add_plugin(NAME SOURCES src... [OUTPUT_NAME name] [OUTPUT_DIRECTORY dir] [LINK_LIBRARIES lib...])
#
# Builds a ledgerhost connector plugin the way the host expects it:
#  - a MODULE library named <OUTPUT_NAME>.so (default: NAME), no "lib" prefix;
#  - hidden visibility and a version script, so `lh_plugin_entry` is the only exported symbol;
#  - `-z defs`, so an undefined symbol fails the link instead of the load.
# Requires the target `ledgerhost::sdk` (in-tree, or from find_package(ledgerhost-sdk)).
set(_LH_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/lh_plugin.map" CACHE INTERNAL "")

function(lh_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME;OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "lh_add_plugin(${name}): SOURCES is required")
  endif()
  if(NOT TARGET ledgerhost::sdk)
    message(FATAL_ERROR "lh_add_plugin(${name}): target ledgerhost::sdk is not defined; "
      "call find_package(ledgerhost-sdk REQUIRED) first")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ledgerhost::sdk ${ARG_LINK_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_LH_PLUGIN_MAP}")
  if(ARG_OUTPUT_NAME)
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
  target_link_options(${name} PRIVATE
    "LINKER:--version-script=${_LH_PLUGIN_MAP}"
    "LINKER:-z,defs")
endfunction()
