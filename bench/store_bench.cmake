# Store + query engine benchmark (ingest rate, bytes/event, dashboard query times); included
# from bench/CMakeLists.txt (`include(store_bench.cmake)`).
add_executable(store_bench ${CMAKE_CURRENT_LIST_DIR}/store_bench.cc)
target_link_libraries(store_bench PRIVATE perimeter_query perimeter_store)
