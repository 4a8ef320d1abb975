# Checks that every plugin exports exactly one dynamic symbol, lh_plugin_entry
# (`nm -D --defined-only`). Run by ctest with -DNM= -DPLUGIN_DIR= -DTEST_PLUGIN_DIR=.
#
# PLUGIN_DIR is the real plugin dir (<build>/lib/ledgerhost/plugins): every .so there is checked;
# it may not exist before any built-in plugin is built. TEST_PLUGIN_DIR holds the plugins the test
# build makes with lh_add_plugin and must not be empty.
#
# The one exception: broken_no_entry.so is the loader's "no entry symbol" case, built without
# lh_plugin_entry on purpose, so it must export nothing at all.
cmake_minimum_required(VERSION 3.25)
set(failures "")
set(checked 0)

file(GLOB real_plugins "${PLUGIN_DIR}/*.so")
file(GLOB test_plugins "${TEST_PLUGIN_DIR}/*.so")
if(NOT test_plugins)
  message(FATAL_ERROR "no test plugins in ${TEST_PLUGIN_DIR}: build lh_plugins_tests first")
endif()

foreach(so IN LISTS real_plugins test_plugins)
  execute_process(COMMAND ${NM} -D --defined-only ${so}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    list(APPEND failures "${so}: nm failed: ${err}")
    continue()
  endif()
  # Lines look like "0000000000001139 T lh_plugin_entry"; keep the names.
  string(REGEX REPLACE "[^\n]* ([^ \n]+)(\n|$)" "\\1;" names "${out}")
  list(REMOVE_ITEM names "")
  get_filename_component(base ${so} NAME)
  if(base STREQUAL "broken_no_entry.so")
    set(expected "")
  else()
    set(expected "lh_plugin_entry")
  endif()
  if(NOT "${names}" STREQUAL "${expected}")
    list(APPEND failures "${so}: exports [${names}], expected [${expected}]")
  endif()
  math(EXPR checked "${checked} + 1")
endforeach()

list(LENGTH real_plugins real_count)
message(STATUS "checked ${checked} plugins (${real_count} in ${PLUGIN_DIR})")
if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "plugins export more than lh_plugin_entry:\n${text}")
endif()
