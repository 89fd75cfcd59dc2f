// JSONReaderNode and JsonStream: arrays and JSON lines, auto detection, errors, batching.
#include "io_test_support.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/io/io_nodes.hpp>
#include <bulkflow/io/json_stream.hpp>

#include <fstream>

using namespace iotest;
using bulkflow::Error;
using bulkflow::ErrorCode;
using bulkflow::RecordBatch;
using bulkflow::io::JsonFormat;
using bulkflow::io::JsonOptions;
using bulkflow::io::JsonStream;

namespace {

bulkflow::NodeOutput run_json(const TempDir& dir, const std::string& content, json::object params = {},
                              const std::string& name = "data.json") {
    params["path"] = dir.write(name, content);
    return run_node(*bulkflow::io::json_reader_node_factory(), params);
}

std::vector<json::object> json_records(const TempDir& dir, const std::string& content,
                                       json::object params = {}, const std::string& name = "data.json") {
    auto out = run_json(dir, content, std::move(params), name);
    REQUIRE(out.streams.count("records") == 1);
    return read_all(*out.streams.at("records"));
}

Error json_error(const TempDir& dir, const std::string& content, json::object params = {},
                 const std::string& name = "data.json") {
    return error_of([&] {
        auto out = run_json(dir, content, params, name);
        (void)read_all(*out.streams.at("records"));
    });
}

json::object parse_obj(std::string_view s) {
    json::parse_options deep;
    deep.max_depth = 1000;
    return json::parse(s, {}, deep).as_object();
}

} // namespace

TEST_CASE("json: array of objects", "[json]") {
    TempDir dir;
    auto out = run_json(dir, R"([{"id": 1, "name": "a"}, {"id": 2, "name": "b", "price": 9.5}])");
    CHECK(out.value.at("format") == "array");
    CHECK(out.value.at("path").as_string() == (dir.path() / "data.json").string());
    auto recs = read_all(*out.streams.at("records"));
    REQUIRE(recs.size() == 2);
    CHECK(recs[0] == parse_obj(R"({"id": 1, "name": "a"})"));
    CHECK(recs[1] == parse_obj(R"({"id": 2, "name": "b", "price": 9.5})"));
    CHECK(recs[0].at("id").is_int64()); // JSON types are kept
}

TEST_CASE("json: nested values, escapes and unicode are preserved", "[json]") {
    TempDir dir;
    const std::string rec1 =
        R"({"meta": {"tags": ["x", "y,]}"], "deep": {"a": [1, [2, [3]], {"b": null}]}}, "ok": true})";
    const std::string rec2 =
        R"({"s": "quote \" backslash \\ slash \/ nl \n tab \t bracket ] brace } comma ,", "u": "caf\u00e9 \ud83d\ude00", "raw": "Zoë 😀 日本", "n": -1.5e3, "big": 12345678901234})";
    const std::string content = "[\n  " + rec1 + ",\n  " + rec2 + "\n]\n";
    for (const char* fmt : {"array", "auto"}) {
        INFO("format " << fmt);
        auto recs = json_records(dir, content, {{"format", fmt}});
        REQUIRE(recs.size() == 2);
        CHECK(recs[0] == parse_obj(rec1));
        CHECK(recs[1] == parse_obj(rec2));
        CHECK(recs[0].at("meta").at("tags").as_array()[1] == "y,]}");
        CHECK(recs[1].at("s") == "quote \" backslash \\ slash / nl \n tab \t bracket ] brace } comma ,");
        CHECK(recs[1].at("u") == "café \xF0\x9F\x98\x80");
        CHECK(recs[1].at("raw") == "Zoë 😀 日本");
        CHECK(recs[1].at("big").as_int64() == 12345678901234);
    }
    // the same records as JSON lines
    auto lines = json_records(dir, rec1 + "\n" + rec2 + "\n", {}, "data.jsonl");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == parse_obj(rec1));
    CHECK(lines[1] == parse_obj(rec2));
}

TEST_CASE("json: deep nesting beyond 32 levels", "[json]") {
    TempDir dir;
    std::string deep = "1";
    for (int i = 0; i < 100; ++i) deep = "[" + deep + "]";
    const std::string rec = "{\"d\": " + deep + "}";
    CHECK(json_records(dir, "[" + rec + "]").at(0) == parse_obj(rec));
    CHECK(json_records(dir, rec + "\n", {{"format", "lines"}}).at(0) == parse_obj(rec));
}

TEST_CASE("json: lines format, blank lines and CRLF", "[json]") {
    TempDir dir;
    const std::string content = "{\"a\": 1}\n\n   \n{\"a\": 2, \"b\": [1,2]}\r\n\t\r\n{\"a\": 3}";
    auto out = run_json(dir, content, {}, "data.jsonl");
    CHECK(out.value.at("format") == "lines");
    auto recs = read_all(*out.streams.at("records"));
    REQUIRE(recs.size() == 3);
    CHECK(recs[0] == parse_obj(R"({"a": 1})"));
    CHECK(recs[1] == parse_obj(R"({"a": 2, "b": [1,2]})"));
    CHECK(recs[2] == parse_obj(R"({"a": 3})"));
}

TEST_CASE("json: auto detection", "[json]") {
    TempDir dir;
    SECTION("'[' after whitespace and a BOM means array") {
        auto out = run_json(dir, "\xEF\xBB\xBF \n\t [{\"a\": 1}]");
        CHECK(out.value.at("format") == "array");
        auto recs = read_all(*out.streams.at("records"));
        REQUIRE(recs.size() == 1);
        CHECK(recs[0] == parse_obj(R"({"a": 1})"));
    }
    SECTION("'{' means lines") {
        auto out = run_json(dir, "\n{\"a\": 1}\n{\"a\": 2}\n");
        CHECK(out.value.at("format") == "lines");
        CHECK(read_all(*out.streams.at("records")).size() == 2);
    }
    SECTION("explicit format wins") {
        auto out = run_json(dir, "{\"a\": 1}\n", {{"format", "lines"}});
        CHECK(out.value.at("format") == "lines");
        auto e = json_error(dir, "{\"a\": 1}\n", {{"format", "array"}}, "notarray.json");
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK_THAT(e.what(), Catch::Contains("notarray.json:1: ") && Catch::Contains("'['"));
    }
    SECTION("stream API") {
        const std::string p1 = dir.write("a.json", "  [ ]");
        const std::string p2 = dir.write("b.json", "{}\n");
        CHECK(JsonStream(JsonOptions{p1}).detect_format() == JsonFormat::array);
        CHECK(JsonStream(JsonOptions{p2}).detect_format() == JsonFormat::lines);
        CHECK(JsonStream(JsonOptions{p2, JsonFormat::array}).detect_format() == JsonFormat::array);
    }
}

TEST_CASE("json: empty inputs", "[json]") {
    TempDir dir;
    CHECK(json_records(dir, "").empty());
    CHECK(json_records(dir, "  \n\n").empty());
    CHECK(json_records(dir, "[]").empty());
    CHECK(json_records(dir, " [ \n ] \n").empty());
    CHECK(json_records(dir, "", {{"format", "array"}}).empty());
}

TEST_CASE("json: non-object records name the index and line", "[json]") {
    TempDir dir;
    SECTION("array element") {
        auto e = json_error(dir, "[\n  {\"a\": 1},\n  {\"a\": 2},\n  42\n]", {}, "arr.json");
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK(std::string(e.what()).ends_with("arr.json:4: record 2: expected a JSON object, found a number"));
    }
    SECTION("array element that is a string") {
        auto e = json_error(dir, "[\"x\"]", {}, "s.json");
        CHECK(std::string(e.what()).ends_with("s.json:1: record 0: expected a JSON object, found a string"));
    }
    SECTION("line") {
        auto e = json_error(dir, "{\"a\": 1}\n\n[1, 2]\n", {}, "l.jsonl");
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK(std::string(e.what()).ends_with("l.jsonl:3: record 1: expected a JSON object, found an array"));
    }
    SECTION("null line") {
        auto e = json_error(dir, "{}\nnull\n", {}, "n.jsonl");
        CHECK_THAT(e.what(), Catch::EndsWith("n.jsonl:2: record 1: expected a JSON object, found null"));
    }
}

TEST_CASE("json: malformed input names the line", "[json]") {
    TempDir dir;
    SECTION("malformed line") {
        std::string content;
        for (int i = 0; i < 11; ++i) content += "{\"i\": " + std::to_string(i) + "}\n";
        content += "{\"i\": 11,, }\n{\"i\": 12}\n";
        auto e = json_error(dir, content, {}, "file.jsonl");
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK_THAT(e.what(), Catch::Contains("file.jsonl:12: record 11: ") && Catch::Contains("syntax error"));
    }
    SECTION("truncated line") {
        auto e = json_error(dir, "{\"a\": 1}\n{\"a\": \n", {}, "t.jsonl");
        CHECK_THAT(e.what(), Catch::Contains("t.jsonl:2: record 1: ") && Catch::Contains("incomplete"));
    }
    SECTION("two objects on one line") {
        auto e = json_error(dir, "{\"a\": 1} {\"a\": 2}\n", {}, "two.jsonl");
        CHECK_THAT(e.what(), Catch::Contains("two.jsonl:1: record 0: "));
    }
    SECTION("malformed array element") {
        auto e = json_error(dir, "[\n{\"a\": 1},\n{\"a\": tru}\n]", {}, "bad.json");
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK_THAT(e.what(), Catch::Contains("bad.json:3: record 1: invalid JSON"));
    }
    SECTION("trailing comma") {
        auto e = json_error(dir, "[{\"a\": 1},\n]", {}, "tc.json");
        CHECK_THAT(e.what(), Catch::Contains("tc.json:2: ") && Catch::Contains("trailing"));
    }
    SECTION("empty element") {
        auto e = json_error(dir, "[{\"a\": 1},,{}]", {}, "ee.json");
        CHECK_THAT(e.what(), Catch::Contains("ee.json:1: record 1: expected a value"));
    }
    SECTION("unclosed array") {
        auto e = json_error(dir, "[{\"a\": 1},\n{\"a\": 2}\n", {}, "open.json");
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK_THAT(e.what(), Catch::Contains("open.json:") && Catch::Contains("not closed"));
    }
    SECTION("unclosed string inside an element") {
        auto e = json_error(dir, "[{\"a\": \"oops}]\n", {}, "str.json");
        CHECK_THAT(e.what(), Catch::Contains("str.json:1: record 0: "));
    }
    SECTION("data after the array") {
        auto e = json_error(dir, "[{\"a\": 1}]\n[{\"a\": 2}]\n", {}, "after.json");
        CHECK_THAT(e.what(), Catch::Contains("after.json:2: ") && Catch::Contains("after the closing"));
    }
    SECTION("records before the error are delivered") {
        auto out = run_json(dir, "{\"a\": 1}\n{\"a\": 2}\nnot json\n");
        auto cur = out.streams.at("records")->open();
        RecordBatch b;
        REQUIRE(cur->next(b, 2));
        CHECK(b.size() == 2);
        auto e = error_of([&] { cur->next(b, 2); });
        CHECK_THAT(e.what(), Catch::Contains(":3: record 2: "));
    }
}

TEST_CASE("json: missing file and bad format parameter", "[json]") {
    TempDir dir;
    auto f = bulkflow::io::json_reader_node_factory();
    const std::string missing = (dir.path() / "missing.json").string();
    for (const char* fmt : {"auto", "array", "lines"}) {
        auto e = error_of([&] { (void)run_node(*f, {{"path", missing}, {"format", fmt}}); });
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK(std::string(e.what()) == "cannot open '" + missing + "': No such file or directory");
    }
    const std::string p = dir.write("ok.json", "[]");
    auto e = error_of([&] { (void)run_node(*f, {{"path", p}, {"format", "csv"}}); });
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(e.what(), Catch::Contains("format"));
    auto e2 = error_of([&] { f->check({{"path", p}, {"format", "xml"}}); });
    CHECK(e2.code() == ErrorCode::invalid_parameter);
    CHECK_NOTHROW(f->check({{"path", p}, {"format", "lines"}}));
    CHECK_NOTHROW(f->check({{"path", p}, {"format", "<<inputs.fmt>>"}}));
    CHECK(bulkflow::io::parse_json_format("array") == JsonFormat::array);
    CHECK(bulkflow::io::to_string(JsonFormat::automatic) == "auto");
}

TEST_CASE("json: heterogeneous records: absent cells differ from null", "[json]") {
    TempDir dir;
    auto out = run_json(dir, "[{\"a\": 1, \"b\": null}, {\"c\": \"x\"}]");
    auto cur = out.streams.at("records")->open();
    RecordBatch b;
    REQUIRE(cur->next(b, 10));
    REQUIRE(b.size() == 2);
    const auto a = b.find_column("a"), bc = b.find_column("b"), c = b.find_column("c");
    REQUIRE((a && bc && c));
    REQUIRE(b.get(*bc, 0) != nullptr);
    CHECK(b.get(*bc, 0)->is_null()); // explicit null
    CHECK(b.get(*bc, 1) == nullptr);  // absent
    CHECK(b.get(*c, 0) == nullptr);
    CHECK(*b.get(*c, 1) == "x");
    CHECK(b.row(1) == parse_obj(R"({"c": "x"})"));
}

TEST_CASE("json: batches honour max_rows and carry first_index", "[json]") {
    TempDir dir;
    std::string arr = "[", lines;
    for (int i = 0; i < 10; ++i) {
        const std::string r = "{\"i\": " + std::to_string(i) + "}";
        arr += (i ? ",\n" : "") + r;
        lines += r + "\n";
    }
    arr += "]";
    for (const std::string& content : {arr, lines}) {
        auto out = run_json(dir, content);
        const auto& stream = *out.streams.at("records");
        auto cur = stream.open();
        RecordBatch b;
        std::vector<std::size_t> sizes, firsts;
        std::vector<std::int64_t> is;
        while (cur->next(b, 4)) {
            sizes.push_back(b.size());
            firsts.push_back(b.first_index);
            for (std::size_t r = 0; r < b.size(); ++r) is.push_back(b.get(0, r)->as_int64());
        }
        CHECK(sizes == std::vector<std::size_t>{4, 4, 2});
        CHECK(firsts == std::vector<std::size_t>{0, 4, 8});
        CHECK(is == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        CHECK_FALSE(cur->next(b, 4));
        CHECK(stream.records_read() == 10);
        CHECK(out.to_json().at("records") == json::object{{"stream", true}, {"records_read", 10}});
    }
}

TEST_CASE("json: re-opening gives the same records", "[json]") {
    TempDir dir;
    for (const char* content : {R"([{"a": 1}, {"a": [2]}, {"a": {"b": 3}}])",
                                "{\"a\": 1}\n{\"a\": [2]}\n{\"a\": {\"b\": 3}}\n"}) {
        auto out = run_json(dir, content);
        const auto& stream = *out.streams.at("records");
        auto c1 = stream.open();
        auto c2 = stream.open();
        RecordBatch b1, b2;
        REQUIRE(c1->next(b1, 1));
        REQUIRE(c2->next(b2, 2));
        CHECK(b1.row(0) == b2.row(0));
        REQUIRE(c1->next(b1, 5));
        CHECK(b1.first_index == 1);
        CHECK(b1.size() == 2);
        CHECK(b1.row(1) == parse_obj(R"({"a": {"b": 3}})"));
        auto first = read_all(stream);
        auto second = read_all(stream);
        REQUIRE(first.size() == 3);
        CHECK(first == second);
    }
}

TEST_CASE("json: a long line spanning several chunks", "[json]") {
    TempDir dir;
    const std::string big(200000, 'z');
    const std::string content = "{\"a\": 1}\n{\"s\": \"" + big + "\"}\n{\"a\": 3}\n";
    auto recs = json_records(dir, content, {}, "long.jsonl");
    REQUIRE(recs.size() == 3);
    CHECK(recs[1].at("s").as_string().size() == big.size());
    auto arr = json_records(dir, "[{\"a\": 1}, {\"s\": \"" + big + "\"}, {\"a\": 3}]");
    REQUIRE(arr.size() == 3);
    CHECK(arr[1].at("s").as_string() == big);
    CHECK(arr[2] == parse_obj(R"({"a": 3})"));
}

TEST_CASE("json: large files are streamed in batches", "[json][large]") {
    TempDir dir;
    constexpr std::size_t kRows = 200000;
    const std::string lines_path = (dir.path() / "big.jsonl").string();
    const std::string array_path = (dir.path() / "big.json").string();
    {
        std::ofstream l(lines_path, std::ios::binary), a(array_path, std::ios::binary);
        a << "[\n";
        for (std::size_t i = 0; i < kRows; ++i) {
            const std::string r = "{\"id\": " + std::to_string(i) + ", \"name\": \"n\\\"" + std::to_string(i) +
                                  "]\", \"tags\": [\"t" + std::to_string(i % 5) + "\"], \"o\": {\"k\": " +
                                  std::to_string(i % 3) + "}}";
            l << r << (i % 2 ? "\r\n" : "\n");
            a << (i ? ",\n  " : "  ") << r;
        }
        a << "\n]\n";
    }
    for (const auto& path : {lines_path, array_path}) {
        INFO(path);
        auto out = run_node(*bulkflow::io::json_reader_node_factory(), {{"path", path}});
        const auto& stream = *out.streams.at("records");
        auto cur = stream.open();
        RecordBatch b;
        std::size_t total = 0, mismatches = 0;
        while (cur->next(b, 5000)) {
            REQUIRE(b.first_index == total);
            const auto id = b.find_column("id"), name = b.find_column("name"), o = b.find_column("o");
            REQUIRE((id && name && o));
            for (std::size_t r = 0; r < b.size(); ++r) {
                const std::size_t i = total + r;
                if (b.get(*id, r)->as_int64() != static_cast<std::int64_t>(i)) ++mismatches;
                if (b.get(*name, r)->as_string() != "n\"" + std::to_string(i) + "]") ++mismatches;
                if (b.get(*o, r)->at("k").as_int64() != static_cast<std::int64_t>(i % 3)) ++mismatches;
            }
            total += b.size();
        }
        CHECK(mismatches == 0);
        CHECK(total == kRows);
        CHECK(stream.records_read() == kRows);
    }
}

TEST_CASE("json: the cursor reads lazily, not the whole file at open", "[json][large]") {
    TempDir dir;
    const std::string path = (dir.path() / "grow.jsonl").string();
    {
        std::ofstream f(path, std::ios::binary);
        for (int i = 0; i < 50000; ++i) f << "{\"i\": " << i << "}\n";
    }
    JsonStream stream(JsonOptions{path, JsonFormat::lines});
    auto cur = stream.open();
    RecordBatch b;
    REQUIRE(cur->next(b, 10));
    {
        std::ofstream f(path, std::ios::binary | std::ios::app);
        f << "{\"i\": \"appended\"}\n";
    }
    std::size_t total = 10;
    json::value last;
    while (cur->next(b, 10000)) {
        total += b.size();
        last = *b.get(0, b.size() - 1);
    }
    CHECK(total == 50001);
    CHECK(last == "appended");
}

TEST_CASE("json: a line or element longer than max_record_bytes fails naming file, line and parameter", "[json][limits]") {
    TempDir dir;
    const std::string big = "{\"a\": \"" + std::string(200000, 'x') + "\"}";
    auto lines = json_error(dir, "{\"a\": 1}\n" + big + "\n{\"a\": 2}\n", json::object{{"format", "lines"}, {"max_record_bytes", 1000}});
    CHECK(lines.code() == ErrorCode::invalid_data);
    CHECK_THAT(lines.what(), Catch::Contains(":2") && Catch::Contains("max_record_bytes (1000 bytes)"));
    auto array = json_error(dir, "[{\"a\": 1},\n" + big + "]", json::object{{"format", "array"}, {"max_record_bytes", 1000}});
    CHECK_THAT(array.what(), Catch::Contains(":2") && Catch::Contains("max_record_bytes (1000 bytes)"));
    CHECK(json_records(dir, "{\"a\": 1}\n" + big + "\n", json::object{{"format", "lines"}}).size() == 2);
}
