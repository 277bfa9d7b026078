# Thin wrapper over CMake: `make run` and `make test` are the two commands a new user needs.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
ifeq ($(CI),true)
# CI: warnings are errors, and clang-tidy (.clang-tidy, WarningsAsErrors) runs on every file compiled.
CMAKE_FLAGS += -DPERIMETER_WERROR=ON -DPERIMETER_TIDY=ON
endif

# Unit tests that also run under ASan+UBSan (CI runs `make test test-asan`).
ASAN_TESTS = core config pipeline filters filters_grok filters_geoip inputs_file store query server
empty :=
space := $(empty) $(empty)

.PHONY: all deps configure build run test test-asan bench clean format

all: build

deps:
	./scripts/install-deps

configure: deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

run: build
	./scripts/run $(ARGS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

test-asan: deps
	cmake -S . -B build-asan -G Ninja -DPERIMETER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-asan -j$(JOBS) --target $(addsuffix _tests,$(ASAN_TESTS))
	ctest --test-dir build-asan --output-on-failure -j$(JOBS) -R '^($(subst $(space),|,$(ASAN_TESTS)))$$'

bench: build
	./bench/run_all.sh

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD)
