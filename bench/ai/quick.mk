# bench/ai/run quick: an optimised build of ai_bench from only the files it needs, in
# build/aibench (for machines where building the whole release tree does not fit).
SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
CXX := ccache g++
FLAGS := -DBOOST_ASIO_NO_DEPRECATED -DBOOST_ASIO_SEPARATE_COMPILATION -DBOOST_BEAST_SEPARATE_COMPILATION \
  -DBOOST_JSON_DYN_LINK -DBOOST_JSON_NO_LIB -DBOOST_CONTAINER_DYN_LINK -DFMT_SHARED -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1 \
  -I$(SRC)/src -I$(SRC)/build/test/generated -O2 -DNDEBUG -std=c++20 -Wno-mismatched-new-delete
FILES := core/config core/config_schema core/log core/metrics core/asio_impl \
  net/http_stream_client net/http net/beast_impl net/asio_ssl_impl \
  $(patsubst $(SRC)/src/%.cpp,%,$(wildcard $(SRC)/src/modules/ai/llm/*.cpp))
OBJS := $(addsuffix .o,$(subst /,_,$(FILES))) ai_bench.o
ai_bench: $(OBJS)
	g++ -o $@ $^ -lboost_json -lboost_container -lssl -lcrypto -lfmt -ltomlplusplus -lpthread
ai_bench.o: $(SRC)/bench/ai/ai_bench.cpp
	$(CXX) $(FLAGS) -c $< -o $@
define obj
$(subst /,_,$(1)).o: $(SRC)/src/$(1).cpp
	$$(CXX) $$(FLAGS) -c $$< -o $$@
endef
$(foreach f,$(FILES),$(eval $(call obj,$(f))))
