# geoip filter throughput on Zipf-distributed addresses; included from bench/CMakeLists.txt
# (`include(geoip.cmake)`). Needs the default database (scripts/install-deps) or --database.
add_executable(geoip_bench ${CMAKE_CURRENT_LIST_DIR}/geoip_bench.cc)
target_link_libraries(geoip_bench PRIVATE perimeter_filters_geoip)
