# Warning and sanitizer flags live on INTERFACE targets so every project target opts in explicitly.
add_library(bulkflow_warnings INTERFACE)
add_library(bulkflow::warnings ALIAS bulkflow_warnings)
target_compile_options(bulkflow_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
  -Wnon-virtual-dtor -Wno-missing-field-initializers $<$<BOOL:${BULKFLOW_WERROR}>:-Werror>)
if(BULKFLOW_SANITIZE)
  # -fno-sanitize=vptr: UBSan's dynamic-type check needs the typeinfo of every polymorphic
  # class it sees, and Debian's libsoci_sqlite3 does not export its backend's typeinfo, so the
  # check would make the bulk plugin fail to load.
  target_compile_options(bulkflow_warnings INTERFACE -fsanitize=address,undefined -fno-sanitize=vptr
    -fno-omit-frame-pointer)
  target_link_options(bulkflow_warnings INTERFACE -fsanitize=address,undefined)
endif()
install(TARGETS bulkflow_warnings EXPORT bulkflowTargets)
