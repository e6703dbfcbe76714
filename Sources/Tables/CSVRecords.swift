/// Splitting CSV text (RFC 4180) into records and fields.
public enum CSVRecords {
    /// The byte ranges of the records of a CSV text, line ends included (a line end inside
    /// quotes belongs to its field).
    public static func records(_ bytes: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0, quoted = false
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == 10 && !quoted {
                out.append(start..<(i + 1))
                start = i + 1
            }
        }
        if start < bytes.count { out.append(start..<bytes.count) }
        return out
    }

    /// The fields of one record, unquoted (RFC 4180).
    public static func fields(_ record: ArraySlice<UInt8>) -> [String] { fields(record, limit: .max) }

    /// The fields of a record with a quote or a line break inside it, unquoted.
    private static func quotedFields(_ record: ArraySlice<UInt8>) -> [String] {
        var out: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = record.startIndex
        while i < record.endIndex {
            let b = record[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < record.endIndex && record[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
                } else { field.append(b) }
            } else if b == UInt8(ascii: "\"") {
                quoted = true
            } else if b == UInt8(ascii: ",") {
                out.append(String(decoding: field, as: UTF8.self)); field = []
            } else if b != 10 && b != 13 {
                field.append(b)
            }
            i += 1
        }
        out.append(String(decoding: field, as: UTF8.self))
        return out
    }

    /// The first `limit` fields of one record (all of them when it has fewer), unquoted: a reader
    /// that needs the first few columns of a wide file makes no string of the rest.
    public static func fields(_ record: ArraySlice<UInt8>, limit: Int) -> [String] {
        guard limit > 0 else { return [] }
        // Most records have no quote and no line break but the one that ends them: split on commas
        // without copying bytes (a short field becomes an inline String, no allocation).
        var end = record.endIndex
        while end > record.startIndex && (record[end - 1] == 10 || record[end - 1] == 13) { end -= 1 }
        let body = record[record.startIndex..<end]
        guard !body.contains(where: { $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else {
            return Array(quotedFields(record).prefix(limit))
        }
        var out: [String] = []
        out.reserveCapacity(Swift.min(limit, 64))
        var start = body.startIndex
        while out.count < limit {
            guard let comma = body[start...].firstIndex(of: UInt8(ascii: ",")) else {
                out.append(String(decoding: body[start...], as: UTF8.self))
                break
            }
            out.append(String(decoding: body[start..<comma], as: UTF8.self))
            start = comma + 1
        }
        return out
    }
}
