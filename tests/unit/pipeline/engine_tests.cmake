# The engine assembled and run (host/pipeline/runtime.h, sync_runner.h, replay_runner.h), with two
# real test plugins built by lh_add_plugin from engine_plugins/pager_plugin.cpp into their own
# directory (not tests/plugins, whose broken plugins the registry would also load):
#   pager  a processor paging a fixed data set with a cursor, scriptable to fail at page k;
#   books  an accounting delivery target.
# Included from tests/unit/CMakeLists.txt; the CLI tests of sync/replay/cursors use the same plugins.
set(LH_ENGINE_PLUGIN_DIR ${PROJECT_BINARY_DIR}/tests/engine_plugins)
foreach(lh_engine_plugin pager books)
  lh_add_plugin(lh_test_plugin_${lh_engine_plugin}
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/engine_plugins/pager_plugin.cpp
    OUTPUT_NAME ${lh_engine_plugin}
    OUTPUT_DIRECTORY ${LH_ENGINE_PLUGIN_DIR}
    LINK_LIBRARIES nlohmann_json::nlohmann_json)
  set_target_properties(lh_test_plugin_${lh_engine_plugin} PROPERTIES CXX_STANDARD 17)
  target_compile_options(lh_test_plugin_${lh_engine_plugin} PRIVATE -Wall -Wextra -Werror)
endforeach()
target_compile_definitions(lh_test_plugin_pager PRIVATE PAGER_SOURCE)
target_compile_definitions(lh_test_plugin_books PRIVATE BOOKS_TARGET)
# feed (a source emitting a file's events) and ledgerbook (a scripted accounting system kept in a
# file) for the delivery tests: engine_plugins/delivery_plugins.cpp.
foreach(lh_engine_plugin feed ledgerbook)
  lh_add_plugin(lh_test_plugin_${lh_engine_plugin}
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/engine_plugins/delivery_plugins.cpp
    OUTPUT_NAME ${lh_engine_plugin}
    OUTPUT_DIRECTORY ${LH_ENGINE_PLUGIN_DIR}
    LINK_LIBRARIES nlohmann_json::nlohmann_json)
  set_target_properties(lh_test_plugin_${lh_engine_plugin} PROPERTIES CXX_STANDARD 17)
  target_compile_options(lh_test_plugin_${lh_engine_plugin} PRIVATE -Wall -Wextra -Werror)
endforeach()
target_compile_definitions(lh_test_plugin_feed PRIVATE FEED_SOURCE)
target_compile_definitions(lh_test_plugin_ledgerbook PRIVATE LEDGERBOOK_TARGET)

lh_add_test(lh_pipeline_runtime_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/runtime_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sync_runner_test.cpp
  LIBS lh_pipeline_runtime)
target_compile_definitions(lh_pipeline_runtime_tests PRIVATE
  LH_ENGINE_PLUGIN_DIR="${LH_ENGINE_PLUGIN_DIR}")
add_dependencies(lh_pipeline_runtime_tests lh_test_plugin_pager lh_test_plugin_books)
# The command executor against feed + ledgerbook on temp SQLite files.
target_sources(lh_pipeline_runtime_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/delivery_runner_test.cpp)
add_dependencies(lh_pipeline_runtime_tests lh_test_plugin_feed lh_test_plugin_ledgerbook)
# A connection's YAML limits/retry -> net options (host/pipeline/connection_http.h).
target_sources(lh_pipeline_runtime_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/connection_http_test.cpp)
