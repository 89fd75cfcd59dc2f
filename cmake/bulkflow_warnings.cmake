# Warning and sanitizer flags live on INTERFACE targets so every project target opts in explicitly.
add_library(bulkflow_warnings INTERFACE)
add_library(bulkflow::warnings ALIAS bulkflow_warnings)
target_compile_options(bulkflow_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
  -Wnon-virtual-dtor -Wno-missing-field-initializers $<$<BOOL:${BULKFLOW_WERROR}>:-Werror>)
if(BULKFLOW_SANITIZE)
  target_compile_options(bulkflow_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(bulkflow_warnings INTERFACE -fsanitize=address,undefined)
endif()
install(TARGETS bulkflow_warnings EXPORT bulkflowTargets)
