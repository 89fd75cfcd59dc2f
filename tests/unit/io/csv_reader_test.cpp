// CSVReaderNode and CsvStream: RFC 4180 parsing, options, errors, batching and streaming.
#include "io_test_support.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/io/csv_stream.hpp>
#include <bulkflow/io/io_nodes.hpp>

#include <fstream>

using namespace iotest;
using bulkflow::Error;
using bulkflow::ErrorCode;
using bulkflow::RecordBatch;
using bulkflow::io::CsvOptions;
using bulkflow::io::CsvStream;

namespace {

/// Runs CSVReaderNode on `content` with extra params; returns the output.
bulkflow::NodeOutput run_csv(const TempDir& dir, const std::string& content, json::object params = {},
                             const std::string& name = "data.csv") {
    params["path"] = dir.write(name, content);
    return run_node(*bulkflow::io::csv_reader_node_factory(), params);
}

std::vector<json::object> csv_records(const TempDir& dir, const std::string& content,
                                      json::object params = {}) {
    auto out = run_csv(dir, content, std::move(params));
    REQUIRE(out.streams.count("records") == 1);
    return read_all(*out.streams.at("records"));
}

json::object obj(std::initializer_list<std::pair<json::string_view, json::value_ref>> kv) {
    return json::object(kv);
}

/// Error message for reading `content` through the node (errors may come at run or read time).
Error csv_error(const TempDir& dir, const std::string& content, json::object params = {},
                const std::string& name = "data.csv") {
    return error_of([&] {
        auto out = run_csv(dir, content, params, name);
        (void)read_all(*out.streams.at("records"));
    });
}

} // namespace

TEST_CASE("csv: header and plain rows", "[csv]") {
    TempDir dir;
    auto out = run_csv(dir, "id,name,price\n1,Widget,9.99\n2,Gadget,19.50\n");
    REQUIRE(out.value.at("columns") == json::array{"id", "name", "price"});
    REQUIRE(out.value.at("path").as_string() == (dir.path() / "data.csv").string());
    auto recs = read_all(*out.streams.at("records"));
    REQUIRE(recs.size() == 2);
    CHECK(recs[0] == obj({{"id", "1"}, {"name", "Widget"}, {"price", "9.99"}}));
    CHECK(recs[1] == obj({{"id", "2"}, {"name", "Gadget"}, {"price", "19.50"}}));
    // cells are strings: no type guessing
    CHECK(recs[0].at("id").is_string());
}

TEST_CASE("csv: last record without a trailing newline, blank lines skipped", "[csv]") {
    TempDir dir;
    auto recs = csv_records(dir, "a,b\n\n1,2\n\n\n3,4");
    REQUIRE(recs.size() == 2);
    CHECK(recs[0] == obj({{"a", "1"}, {"b", "2"}}));
    CHECK(recs[1] == obj({{"a", "3"}, {"b", "4"}}));
}

TEST_CASE("csv: quoted fields, doubled quotes, delimiters and newlines inside quotes", "[csv]") {
    TempDir dir;
    const std::string content = "name,note\n"
                                "\"Smith, John\",\"He said \"\"hi\"\"\"\n"
                                "\"multi\nline\",\"crlf\r\ninside\"\n"
                                "\"\",\"\"\"\"\n"
                                "plain,\"a\"\"b\"\n";
    auto recs = csv_records(dir, content);
    REQUIRE(recs.size() == 4);
    CHECK(recs[0] == obj({{"name", "Smith, John"}, {"note", "He said \"hi\""}}));
    CHECK(recs[1] == obj({{"name", "multi\nline"}, {"note", "crlf\r\ninside"}}));
    CHECK(recs[2] == obj({{"name", ""}, {"note", "\""}}));
    CHECK(recs[3] == obj({{"name", "plain"}, {"note", "a\"b"}}));
}

TEST_CASE("csv: empty fields, trailing delimiter and whitespace are kept", "[csv]") {
    TempDir dir;
    auto recs = csv_records(dir, "a,b,c\n,,\n x ,\ty,\n1,,3\n");
    REQUIRE(recs.size() == 3);
    CHECK(recs[0] == obj({{"a", ""}, {"b", ""}, {"c", ""}}));
    CHECK(recs[1] == obj({{"a", " x "}, {"b", "\ty"}, {"c", ""}}));
    CHECK(recs[2] == obj({{"a", "1"}, {"b", ""}, {"c", "3"}}));
}

TEST_CASE("csv: CRLF and lone CR line endings", "[csv]") {
    TempDir dir;
    SECTION("CRLF") {
        auto recs = csv_records(dir, "a,b\r\n1,2\r\n\"x\",\"y\"\r\n");
        REQUIRE(recs.size() == 2);
        CHECK(recs[0] == obj({{"a", "1"}, {"b", "2"}}));
        CHECK(recs[1] == obj({{"a", "x"}, {"b", "y"}}));
    }
    SECTION("CR") {
        auto recs = csv_records(dir, "a,b\r1,2\r3,4");
        REQUIRE(recs.size() == 2);
        CHECK(recs[1] == obj({{"a", "3"}, {"b", "4"}}));
    }
}

TEST_CASE("csv: UTF-8 content and byte order mark", "[csv]") {
    TempDir dir;
    const std::string content = "\xEF\xBB\xBF" "name,emoji\n"
                                "Crème brûlée,\xF0\x9F\x98\x80\n"
                                "\"Zoë, «quoted»\",日本語\n";
    auto out = run_csv(dir, content);
    CHECK(out.value.at("columns") == json::array{"name", "emoji"}); // BOM not part of "name"
    auto recs = read_all(*out.streams.at("records"));
    REQUIRE(recs.size() == 2);
    CHECK(recs[0].at("name") == "Crème brûlée");
    CHECK(recs[0].at("emoji") == "\xF0\x9F\x98\x80");
    CHECK(recs[1] == obj({{"name", "Zoë, «quoted»"}, {"emoji", "日本語"}}));
}

TEST_CASE("csv: invalid UTF-8 is an error with the line", "[csv]") {
    TempDir dir;
    auto e = csv_error(dir, "a\nok\ncaf\xE9\n", {}, "latin1.csv");
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK_THAT(e.what(), Catch::Contains("latin1.csv:3: "));
    CHECK_THAT(e.what(), Catch::Contains("UTF-8"));
}

TEST_CASE("csv: empty file and header-only file", "[csv]") {
    TempDir dir;
    SECTION("empty, header true: zero records, no columns") {
        auto out = run_csv(dir, "");
        CHECK(out.value.at("columns") == json::array{});
        CHECK(read_all(*out.streams.at("records")).empty());
        CHECK(out.streams.at("records")->records_read() == 0);
    }
    SECTION("empty, header false") {
        auto out = run_csv(dir, "", {{"header", false}});
        CHECK(read_all(*out.streams.at("records")).empty());
    }
    SECTION("only a BOM and blank lines") {
        auto out = run_csv(dir, "\xEF\xBB\xBF\n\r\n");
        CHECK(out.value.at("columns") == json::array{});
        CHECK(read_all(*out.streams.at("records")).empty());
    }
    SECTION("header only") {
        auto out = run_csv(dir, "a,b,c\n");
        CHECK(out.value.at("columns") == json::array{"a", "b", "c"});
        auto cur = out.streams.at("records")->open();
        RecordBatch b;
        CHECK_FALSE(cur->next(b, 100));
        CHECK(b.empty());
    }
}

TEST_CASE("csv: null_values", "[csv]") {
    TempDir dir;
    const std::string content = "a,b,c\n,NULL,x\n\"\",N/A,\"NULL\"\n";
    SECTION("default: nothing is null, empty stays empty string") {
        auto recs = csv_records(dir, content);
        REQUIRE(recs.size() == 2);
        CHECK(recs[0] == obj({{"a", ""}, {"b", "NULL"}, {"c", "x"}}));
    }
    SECTION("listed values become null, others stay strings") {
        auto recs = csv_records(dir, content, {{"null_values", json::array{"NULL", "N/A"}}});
        REQUIRE(recs.size() == 2);
        CHECK(recs[0].at("a") == "");
        CHECK(recs[0].at("b").is_null());
        CHECK(recs[0].at("c") == "x");
        CHECK(recs[1].at("a") == "");
        CHECK(recs[1].at("b").is_null());
        CHECK(recs[1].at("c").is_null()); // compared on the cell's value, quoted or not
    }
    SECTION("\"\" listed: empty cells become null") {
        auto recs = csv_records(dir, content, {{"null_values", json::array{""}}});
        CHECK(recs[0].at("a").is_null());
        CHECK(recs[1].at("a").is_null());
        CHECK(recs[0].at("b") == "NULL");
    }
    SECTION("null cells are present (JSON null), not absent") {
        auto out = run_csv(dir, content, {{"null_values", json::array{"NULL"}}});
        auto cur = out.streams.at("records")->open();
        RecordBatch b;
        REQUIRE(cur->next(b, 10));
        auto col = b.find_column("b");
        REQUIRE(col);
        REQUIRE(b.get(*col, 0) != nullptr);
        CHECK(b.get(*col, 0)->is_null());
    }
}

TEST_CASE("csv: custom delimiters", "[csv]") {
    TempDir dir;
    SECTION("semicolon") {
        auto recs = csv_records(dir, "a;b\n1,5;\"x;y\"\n", {{"delimiter", ";"}});
        REQUIRE(recs.size() == 1);
        CHECK(recs[0] == obj({{"a", "1,5"}, {"b", "x;y"}}));
    }
    SECTION("tab as the escape sequence \\t") {
        auto recs = csv_records(dir, "a\tb\n1\t2 3\n", {{"delimiter", "\\t"}});
        REQUIRE(recs.size() == 1);
        CHECK(recs[0] == obj({{"a", "1"}, {"b", "2 3"}}));
    }
    SECTION("tab as a real tab character") {
        auto recs = csv_records(dir, "a\tb\n\"x\ty\"\t,\n", {{"delimiter", "\t"}});
        REQUIRE(recs.size() == 1);
        CHECK(recs[0] == obj({{"a", "x\ty"}, {"b", ","}}));
    }
    SECTION("pipe") {
        auto recs = csv_records(dir, "a|b\n1|2\n", {{"delimiter", "|"}});
        CHECK(recs.at(0) == obj({{"a", "1"}, {"b", "2"}}));
    }
}

TEST_CASE("csv: invalid delimiter is a parameter error", "[csv]") {
    TempDir dir;
    for (const char* bad : {"", ";;", "\"", "\n", "é"}) {
        INFO("delimiter: " << bad);
        auto e = error_of([&] { (void)run_csv(dir, "a\n1\n", {{"delimiter", bad}}); });
        CHECK(e.code() == ErrorCode::invalid_parameter);
        CHECK_THAT(e.what(), Catch::Contains("delimiter"));
        // also rejected by the static check, before anything runs
        auto f = bulkflow::io::csv_reader_node_factory();
        auto e2 = error_of([&] { f->check({{"path", "x.csv"}, {"delimiter", bad}}); });
        CHECK(e2.code() == ErrorCode::invalid_parameter);
    }
    CHECK(bulkflow::io::parse_delimiter("\\t") == '\t');
    CHECK(bulkflow::io::parse_delimiter(";") == ';');
    // a template is left for later
    CHECK_NOTHROW(bulkflow::io::csv_reader_node_factory()->check(
        {{"path", "x.csv"}, {"delimiter", "<<inputs.sep>>"}}));
}

TEST_CASE("csv: header false and columns", "[csv]") {
    TempDir dir;
    SECTION("header false without columns: column_1..N") {
        auto out = run_csv(dir, "1,2,3\n4,5,6\n", {{"header", false}});
        CHECK(out.value.at("columns") == json::array{"column_1", "column_2", "column_3"});
        auto recs = read_all(*out.streams.at("records"));
        REQUIRE(recs.size() == 2); // the first line is data
        CHECK(recs[0] == obj({{"column_1", "1"}, {"column_2", "2"}, {"column_3", "3"}}));
        CHECK(recs[1] == obj({{"column_1", "4"}, {"column_2", "5"}, {"column_3", "6"}}));
    }
    SECTION("header false with columns") {
        auto out = run_csv(dir, "1,Widget\n2,Gadget\n",
                           {{"header", false}, {"columns", json::array{"id", "name"}}});
        CHECK(out.value.at("columns") == json::array{"id", "name"});
        auto recs = read_all(*out.streams.at("records"));
        REQUIRE(recs.size() == 2);
        CHECK(recs[0] == obj({{"id", "1"}, {"name", "Widget"}}));
        CHECK(recs[1] == obj({{"id", "2"}, {"name", "Gadget"}}));
    }
    SECTION("header true with columns: names replaced") {
        auto out = run_csv(dir, "A,B\n1,2\n", {{"columns", json::array{"x", "y"}}});
        CHECK(out.value.at("columns") == json::array{"x", "y"});
        auto recs = read_all(*out.streams.at("records"));
        REQUIRE(recs.size() == 1);
        CHECK(recs[0] == obj({{"x", "1"}, {"y", "2"}}));
    }
    SECTION("header true with the wrong number of columns") {
        auto e = csv_error(dir, "A,B,C\n1,2,3\n", {{"columns", json::array{"x", "y"}}});
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK_THAT(e.what(), Catch::Contains("header has 3 fields"));
    }
    SECTION("header false with columns: row with another field count") {
        auto e = csv_error(dir, "1,2\n3,4,5\n", {{"header", false}, {"columns", json::array{"a", "b"}}},
                           "nohdr.csv");
        CHECK(std::string(e.what()).ends_with("nohdr.csv:2: expected 2 fields, found 3"));
    }
    SECTION("columns must be strings") {
        auto e = error_of([&] { (void)run_csv(dir, "1\n", {{"columns", json::array{1, 2}}}); });
        CHECK(e.code() == ErrorCode::invalid_parameter);
        CHECK_THAT(e.what(), Catch::Contains("columns"));
    }
}

TEST_CASE("csv: duplicate header names are an error", "[csv]") {
    TempDir dir;
    auto e = csv_error(dir, "a,b,a\n1,2,3\n", {}, "dup.csv");
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK_THAT(e.what(), Catch::Contains("dup.csv:1:") && Catch::Contains("'a'"));
}

TEST_CASE("csv: wrong field count names the file and the line", "[csv]") {
    TempDir dir;
    SECTION("too many") {
        const std::string content = "id,name,price,stock\n1,a,2,3\n2,b,3,4\n3,c,4,5,6\n";
        auto e = csv_error(dir, content, {}, "products.csv");
        CHECK(e.code() == ErrorCode::invalid_data);
        const std::string msg = e.what();
        CHECK(msg.ends_with("products.csv:4: expected 4 fields, found 5"));
        CHECK(msg == (dir.path() / "products.csv").string() + ":4: expected 4 fields, found 5");
    }
    SECTION("too few, after multi-line records and blank lines: the record's first line") {
        // line 1 header, 2-3 one record, 4 blank, 5 ok, 6-7 bad record starting on line 6
        const std::string content = "a,b\n\"x\ny\",1\n\n2,3\n\"p\nq\"\n";
        auto e = csv_error(dir, content, {}, "lines.csv");
        CHECK(std::string(e.what()).ends_with("lines.csv:6: expected 2 fields, found 1"));
    }
    SECTION("CRLF line numbers") {
        auto e = csv_error(dir, "a,b\r\n1,2\r\n3\r\n", {}, "crlf.csv");
        CHECK(std::string(e.what()).ends_with("crlf.csv:3: expected 2 fields, found 1"));
    }
    SECTION("records before the bad one are delivered in earlier batches") {
        auto out = run_csv(dir, "a,b\n1,2\n3,4\n5\n");
        auto cur = out.streams.at("records")->open();
        RecordBatch b;
        REQUIRE(cur->next(b, 2));
        CHECK(b.size() == 2);
        auto e = error_of([&] { cur->next(b, 2); });
        CHECK_THAT(e.what(), Catch::EndsWith(":4: expected 2 fields, found 1"));
    }
}

TEST_CASE("csv: unclosed quote reports where the quoted field starts", "[csv]") {
    TempDir dir;
    auto e = csv_error(dir, "a,b\n1,2\n3,\"never closed\n4,5\n6,7\n", {}, "open.csv");
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK_THAT(e.what(), Catch::Contains("open.csv:3: ") && Catch::Contains("unclosed"));
}

TEST_CASE("csv: a quote inside an unquoted field is an error", "[csv]") {
    TempDir dir;
    auto e = csv_error(dir, "a,b\n1,2\n3,4\"5\n", {}, "stray.csv");
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK_THAT(e.what(), Catch::Contains("stray.csv:3: ") && Catch::Contains("unquoted"));
}

TEST_CASE("csv: text after a closing quote is an error", "[csv]") {
    TempDir dir;
    auto e = csv_error(dir, "a,b\n\"x\"y,2\n", {}, "after.csv");
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK_THAT(e.what(), Catch::Contains("after.csv:2: ") && Catch::Contains("closing quote"));
}

TEST_CASE("csv: missing or unreadable file fails the node", "[csv]") {
    TempDir dir;
    const std::string missing = (dir.path() / "nope.csv").string();
    auto f = bulkflow::io::csv_reader_node_factory();
    auto e = error_of([&] { (void)run_node(*f, {{"path", missing}}); });
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK(std::string(e.what()) == "cannot open '" + missing + "': No such file or directory");

    auto e2 = error_of([&] { (void)run_node(*f, {{"path", dir.path().string()}}); });
    CHECK(e2.code() == ErrorCode::invalid_data);
    CHECK_THAT(e2.what(), Catch::Contains("cannot open") && Catch::Contains("Is a directory"));

    // the stream itself fails at open()
    CsvStream s(CsvOptions{missing});
    auto e3 = error_of([&] { (void)s.open(); });
    CHECK_THAT(e3.what(), Catch::StartsWith("cannot open '" + missing + "'"));

    auto e4 = error_of([&] { (void)run_node(*f, {}); });
    CHECK(e4.code() == ErrorCode::invalid_parameter);
}

TEST_CASE("csv: batches honour max_rows and carry first_index", "[csv]") {
    TempDir dir;
    std::string content = "n,sq\n";
    for (int i = 0; i < 10; ++i) content += std::to_string(i) + "," + std::to_string(i * i) + "\n";
    auto out = run_csv(dir, content);
    const auto& stream = *out.streams.at("records");
    auto cur = stream.open();
    RecordBatch b;
    std::vector<std::size_t> sizes, firsts;
    std::vector<std::string> ns;
    while (cur->next(b, 3)) {
        sizes.push_back(b.size());
        firsts.push_back(b.first_index);
        REQUIRE(b.column_count() == 2);
        for (std::size_t r = 0; r < b.size(); ++r) ns.emplace_back(b.get(0, r)->as_string());
        CHECK(stream.records_read() == firsts.back() + sizes.back());
    }
    CHECK(sizes == std::vector<std::size_t>{3, 3, 3, 1});
    CHECK(firsts == std::vector<std::size_t>{0, 3, 6, 9});
    CHECK(ns == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
    CHECK(b.empty());
    CHECK_FALSE(cur->next(b, 3)); // stays at the end
    CHECK(stream.records_read() == 10);
    CHECK(out.to_json().at("records") == json::object{{"stream", true}, {"records_read", 10}});
}

TEST_CASE("csv: re-opening gives the same records, cursors are independent", "[csv]") {
    TempDir dir;
    std::string content = "k,v\n";
    for (int i = 0; i < 50; ++i) content += "k" + std::to_string(i) + ",\"v\n" + std::to_string(i) + "\"\n";
    auto out = run_csv(dir, content);
    const auto& stream = *out.streams.at("records");
    auto c1 = stream.open();
    auto c2 = stream.open();
    RecordBatch b1, b2;
    std::vector<json::object> r1, r2;
    // interleave the two cursors with different batch sizes
    bool more1 = true, more2 = true;
    while (more1 || more2) {
        if (more1 && (more1 = c1->next(b1, 7)))
            for (std::size_t r = 0; r < b1.size(); ++r) r1.push_back(b1.row(r));
        if (more2 && (more2 = c2->next(b2, 13)))
            for (std::size_t r = 0; r < b2.size(); ++r) r2.push_back(b2.row(r));
    }
    REQUIRE(r1.size() == 50);
    CHECK(r1 == r2);
    CHECK(r1[49] == obj({{"k", "k49"}, {"v", "v\n49"}}));
    CHECK(read_all(stream) == r1); // a third pass
    CHECK(stream.records_read() == 150);
}

TEST_CASE("csv: tokens straddling the 64 KiB chunk boundary", "[csv]") {
    TempDir dir;
    // The header is 4 bytes; the filler moves `""`, `",`, `\r\n` and the BOM-free quote handling
    // across the chunk boundary at offset 65536.
    for (std::size_t pad = 65520; pad <= 65540; ++pad) {
        INFO("pad " << pad);
        const std::string filler(pad, 'x');
        const std::string content = "a,b\n\"" + filler + "\"\"q\"\"\",z\r\np,\"\"\"\"\r\n";
        auto recs = csv_records(dir, content);
        REQUIRE(recs.size() == 2);
        CHECK(recs[0].at("a").as_string() == filler + "\"q\"");
        CHECK(recs[0].at("b") == "z");
        CHECK(recs[1] == obj({{"a", "p"}, {"b", "\""}}));
    }
    for (std::size_t pad = 65528; pad <= 65536; ++pad) {
        INFO("unquoted pad " << pad);
        const std::string filler(pad, 'y');
        auto recs = csv_records(dir, "a,b\n" + filler + ",1\r\n2,3\r\n");
        REQUIRE(recs.size() == 2);
        CHECK(recs[0].at("a").as_string().size() == pad);
        CHECK(recs[0].at("b") == "1");
        CHECK(recs[1] == obj({{"a", "2"}, {"b", "3"}}));
    }
}

namespace {
std::string big_row(std::size_t i) {
    // every 7th row has a quoted field with an escaped quote, a delimiter and a newline
    std::string s = std::to_string(i) + ",name " + std::to_string(i) + ",";
    if (i % 7 == 0) s += "\"say \"\"" + std::to_string(i) + "\"\", ok\nbye\"";
    else s += "plain" + std::to_string(i % 100);
    s += ",";
    s += std::to_string(i * 3 % 1000) + "." + std::to_string(i % 100);
    s += (i % 2 ? "\r\n" : "\n");
    return s;
}
} // namespace

TEST_CASE("csv: a large file is streamed in batches", "[csv][large]") {
    TempDir dir;
    constexpr std::size_t kRows = 200000;
    const std::string path = (dir.path() / "big.csv").string();
    {
        std::ofstream f(path, std::ios::binary);
        f << "id,name,note,price\n";
        for (std::size_t i = 0; i < kRows; ++i) f << big_row(i);
    }
    REQUIRE(std::filesystem::file_size(path) > 10 * 64 * 1024);
    auto out = run_node(*bulkflow::io::csv_reader_node_factory(), {{"path", path}});
    const auto& stream = *out.streams.at("records");
    CHECK(stream.records_read() == 0); // running the node reads no record

    auto cur = stream.open();
    RecordBatch b;
    std::size_t total = 0, batches = 0;
    std::size_t mismatches = 0;
    while (cur->next(b, 4096)) {
        REQUIRE(b.first_index == total);
        REQUIRE(b.size() <= 4096);
        for (std::size_t r = 0; r < b.size(); ++r) {
            const std::size_t i = total + r;
            if (b.get(0, r)->as_string() != std::to_string(i)) ++mismatches;
            if (i % 7 == 0 &&
                b.get(2, r)->as_string() != "say \"" + std::to_string(i) + "\", ok\nbye")
                ++mismatches;
        }
        total += b.size();
        ++batches;
    }
    CHECK(mismatches == 0);
    CHECK(total == kRows);
    CHECK(batches == (kRows + 4095) / 4096);
    CHECK(stream.records_read() == kRows);
}

TEST_CASE("csv: the cursor reads lazily, not the whole file at open", "[csv][large]") {
    // Rows appended after the first batch was read are seen by the same cursor: the file is read
    // chunk by chunk as the cursor advances.
    TempDir dir;
    const std::string path = (dir.path() / "grow.csv").string();
    {
        std::ofstream f(path, std::ios::binary);
        f << "n\n";
        for (int i = 0; i < 100000; ++i) f << i << "\n";
    }
    CsvStream stream(CsvOptions{path});
    auto cur = stream.open();
    RecordBatch b;
    REQUIRE(cur->next(b, 10));
    {
        std::ofstream f(path, std::ios::binary | std::ios::app);
        f << "appended\n";
    }
    std::string last;
    std::size_t total = 10;
    while (cur->next(b, 10000)) {
        total += b.size();
        last = std::string(b.get(0, b.size() - 1)->as_string());
    }
    CHECK(total == 100001);
    CHECK(last == "appended");
}

TEST_CASE("csv: stream API with options", "[csv]") {
    TempDir dir;
    const std::string path = dir.write("api.csv", "1;NA\n2;x\n");
    CsvOptions o;
    o.path = path;
    o.delimiter = ';';
    o.header = false;
    o.columns = std::vector<std::string>{"id", "val"};
    o.null_values = {"NA"};
    CsvStream s(o);
    CHECK(s.probe_columns() == std::vector<std::string>{"id", "val"});
    auto recs = read_all(s);
    REQUIRE(recs.size() == 2);
    CHECK(recs[0].at("id") == "1");
    CHECK(recs[0].at("val").is_null());
    CHECK(recs[1] == obj({{"id", "2"}, {"val", "x"}}));
    CHECK(s.size_hint() == std::nullopt);
}

TEST_CASE("csv: an empty unquoted cell is marked, a quoted \"\" is not", "[csv][numbers]") {
    TempDir dir;
    CsvOptions o;
    o.path = dir.write("e.csv", "a,b,c\n,\"\",x\n\"\",,\n");
    CsvStream s(o);
    auto cursor = s.open();
    RecordBatch b;
    REQUIRE(cursor->next(b, 10));
    REQUIRE(b.size() == 2);
    CHECK(b.get(0, 0)->as_string().empty());
    CHECK(b.is_empty_unquoted(0, 0));
    CHECK_FALSE(b.is_empty_unquoted(1, 0));  // ""
    CHECK_FALSE(b.is_empty_unquoted(2, 0));
    CHECK_FALSE(b.is_empty_unquoted(0, 1));
    CHECK(b.is_empty_unquoted(1, 1));
    CHECK(b.is_empty_unquoted(2, 1));  // the last cell of a line
    b.set(2, 1, "y");
    CHECK_FALSE(b.is_empty_unquoted(2, 1));  // replaced
}

TEST_CASE("csv: a record longer than max_record_bytes fails naming file, line and parameter", "[csv][limits]") {
    TempDir dir;
    const std::string ok = "a,b\nshort,row\n";
    CHECK(csv_records(dir, ok, obj({{"max_record_bytes", 20}})).size() == 1);
    for (const std::string& long_record : {std::string(5000, 'x') + ",y\n",        // unquoted
                                           "\"" + std::string(5000, 'x') + "\n\",y\n",  // quoted, spans lines
                                           std::string(5000, ',') + "\n"}) {             // only delimiters
        auto e = csv_error(dir, ok + long_record + "last,row\n", obj({{"max_record_bytes", 100}}));
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK_THAT(e.what(), Catch::Contains("data.csv:3") && Catch::Contains("max_record_bytes (100 bytes)"));
    }
    // the default (64 MiB) takes a 5,000-byte record
    CHECK(csv_records(dir, ok + std::string(5000, 'x') + ",y\n").size() == 2);
}
