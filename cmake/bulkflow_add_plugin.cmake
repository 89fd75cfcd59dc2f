# bulkflow_add_plugin(NAME SOURCES ... [PRIVATE_DEPS ...] [NO_INSTALL])
# Builds a node plugin module named bulkflow_<NAME>.so into the plugin directory (build and install
# trees share the layout), with hidden visibility so only bulkflow_plugin_entry is exported.
function(bulkflow_add_plugin name)
  cmake_parse_arguments(P "NO_INSTALL" "OUTPUT_DIR" "SOURCES;PRIVATE_DEPS" ${ARGN})
  set(target bulkflow_${name})
  add_library(${target} MODULE ${P_SOURCES})
  if(NOT P_OUTPUT_DIR)
    set(P_OUTPUT_DIR ${CMAKE_BINARY_DIR}/${BULKFLOW_PLUGIN_SUBDIR})
  endif()
  set_target_properties(${target} PROPERTIES PREFIX "" CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIR})
  target_link_libraries(${target} PRIVATE bulkflow::sdk bulkflow::warnings ${P_PRIVATE_DEPS})
  if(NOT P_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION ${BULKFLOW_PLUGIN_SUBDIR})
  endif()
endfunction()
