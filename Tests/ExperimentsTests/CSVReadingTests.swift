@testable import Experiments
import Testing
import Tables

/// Reading a record back (`CSVRecords.fields`): the split without copies for plain records and
/// the RFC 4180 path for quoted ones give what the writer meant.
@Suite("CSV reading")
struct CSVReadingTests {
    @Test("fields of plain and quoted records", arguments: [
        ("a,b,c\n", ["a", "b", "c"]),
        ("a,b,c\r\n", ["a", "b", "c"]),
        ("1,,3", ["1", "", "3"]),
        (",", ["", ""]),
        ("", [""]),
        ("\n", [""]),
        ("x,\"a,b\",y\n", ["x", "a,b", "y"]),
        ("\"say \"\"hi\"\"\",2", ["say \"hi\"", "2"]),
        ("\"two\nlines\",z\n", ["two\nlines", "z"]),
        ("算力,2.5e-3,-0", ["算力", "2.5e-3", "-0"]),
    ])
    func fields(record: String, expected: [String]) {
        #expect(CSVRecords.fields(ArraySlice(Array(record.utf8))) == expected)
        // The first k fields, for every k: those of the whole split (the readers of wide files ask few).
        for k in [0, 1, 2, 3, 4, Int.max] {
            #expect(CSVRecords.fields(ArraySlice(Array(record.utf8)), limit: k) == Array(expected.prefix(k)), "limit \(k)")
        }
    }

    /// Every record of a written file reads back as the values written.
    @Test func writtenRowsReadBack() {
        let rows = [["scenario", "firm", "note"], ["base", "small-gpu", "plain"], ["base", "a,b", "say \"hi\""],
                    ["", "two\nlines", "算力"]]
        for row in rows {
            let line = row.map { CSVFormat.quoted($0) }.joined(separator: ",") + "\n"
            #expect(CSVRecords.fields(ArraySlice(Array(line.utf8))) == row, "\(line)")
        }
    }
}
