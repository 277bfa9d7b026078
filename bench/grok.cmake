# grok throughput benchmark; included from bench/CMakeLists.txt (`include(grok.cmake)`).
add_executable(grok_bench ${CMAKE_CURRENT_LIST_DIR}/grok_bench.cc)
target_link_libraries(grok_bench PRIVATE perimeter_filters_grok)
