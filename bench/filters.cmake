# kv/date/mutate throughput benchmark; included from bench/CMakeLists.txt (`include(filters.cmake)`).
add_executable(filters_bench ${CMAKE_CURRENT_LIST_DIR}/filters_bench.cc)
target_link_libraries(filters_bench PRIVATE perimeter_filters perimeter_filters_grok)
