/// How one documented column appears in a file.
public enum ColumnExpansion: Sendable, Equatable {
    /// One column with the documented name.
    case single
    /// One column per hardware tier, named `<prefix><tier>` (documented as `<prefix><tier>`).
    case perTier(prefix: String)
}

/// The documentation of one column (or one per-tier column pattern).
public struct ColumnDoc: Sendable, Equatable {
    /// The column name, or a pattern such as `units_<tier>`.
    public var name: String
    /// The unit (`currency`, `share`, `YYYY-MM`, …); empty for identifiers and labels.
    public var unit: String
    /// What the column holds; which rows leave it empty.
    public var doc: String

    public init(name: String, unit: String, doc: String) {
        self.name = name; self.unit = unit; self.doc = doc
    }
}

/// The documentation of one output file: the source of its section of the data dictionary.
public struct FileDoc: Sendable, Equatable {
    public var file: String
    /// One paragraph: what a row is.
    public var summary: String
    /// The order of the rows.
    public var rowOrder: String
    public var columns: [ColumnDoc]
    /// Whether some columns are per-tier patterns.
    public var hasTierPatterns: Bool

    public init(file: String, summary: String, rowOrder: String, columns: [ColumnDoc], hasTierPatterns: Bool) {
        self.file = file; self.summary = summary; self.rowOrder = rowOrder; self.columns = columns
        self.hasTierPatterns = hasTierPatterns
    }
}

/// One column of a CSV file: its name, unit and meaning, and how to read its value from a row.
///
/// The header, the rows and the data dictionary all come from the same list of columns,
/// so a column cannot be written without being documented, or documented without being
/// written.
public struct CSVColumn<Row>: Sendable {
    public let name: String
    public let unit: String
    public let doc: String
    public let expansion: ColumnExpansion
    /// How the column reads a row: kept as given, so writing a field calls the caller's closure
    /// itself (a wrapping closure was a heap context retained and released for every field).
    @usableFromInline let field: Field<Row>

    /// The value for a row; `t` is the point's tier index for per-tier columns (ignored otherwise).
    public func value(_ row: Row, _ t: Int) -> CSVValue {
        switch field {
        case .single(let value): value(row)
        case .perTier(let value): value(row, t)
        }
    }

    /// A single column.
    public init(_ name: String, _ unit: String, _ doc: String, _ value: @escaping @Sendable (Row) -> CSVValue) {
        self.name = name; self.unit = unit; self.doc = doc; expansion = .single
        field = .single(value)
    }

    /// One column per tier, named `prefix + tier name`.
    public init(perTier prefix: String, _ unit: String, _ doc: String,
                _ value: @escaping @Sendable (Row, Int) -> CSVValue) {
        name = prefix + "<tier>"; self.unit = unit; self.doc = doc; expansion = .perTier(prefix: prefix)
        field = .perTier(value)
    }
}

/// A column's reading of a row: one value, or one per tier.
@usableFromInline
enum Field<Row>: Sendable {
    case single(@Sendable (Row) -> CSVValue)
    case perTier(@Sendable (Row, Int) -> CSVValue)
}

/// The tier columns of a file that holds several points: the union of their tier names, in
/// order of first appearance, and for each point where each header tier sits in its own list.
public struct TierLayout: Sendable, Equatable {
    /// Tier names as they appear in per-tier column names.
    public let names: [String]
    /// `pointTier[p][k]`: point `p`'s index of header tier `k`, or nil when point `p` lacks it.
    public let pointTier: [[Int?]]

    /// - Parameter tiersByPoint: each point's tier names, in its scenario order.
    public init(tiersByPoint: [[String]]) {
        var names: [String] = []
        var seen = Set<String>()
        for tiers in tiersByPoint { for t in tiers where seen.insert(t).inserted { names.append(t) } }
        self.names = names
        pointTier = tiersByPoint.map { tiers in names.map { tiers.firstIndex(of: $0) } }
    }
}

/// An output file's columns, in order.
public struct CSVSchema<Row>: Sendable {
    public let file: String
    public let summary: String
    public let rowOrder: String
    public let columns: [CSVColumn<Row>]
    /// Each column's reading of a row, taken out of the columns once: reading them from `columns`
    /// in the row loop copied the whole column (its three strings and its closure) for every field,
    /// and cost more than formatting the numbers.
    @usableFromInline let fields: [Field<Row>]

    public init(file: String, summary: String, rowOrder: String, columns: [CSVColumn<Row>]) {
        self.file = file; self.summary = summary; self.rowOrder = rowOrder; self.columns = columns
        fields = columns.map(\.field)
    }

    /// The data-dictionary entry.
    public var documentation: FileDoc {
        FileDoc(file: file, summary: summary, rowOrder: rowOrder,
                columns: columns.map { ColumnDoc(name: $0.name, unit: $0.unit, doc: $0.doc) },
                hasTierPatterns: columns.contains { $0.expansion != .single })
    }

    /// The header's column names; per-tier patterns expand in the order of `tiers`.
    public func header(tiers: [String]) -> [String] {
        var out: [String] = []
        for c in columns {
            switch c.expansion {
            case .single: out.append(c.name)
            case .perTier(let prefix): out.append(contentsOf: tiers.map { prefix + $0 })
            }
        }
        return out
    }

    /// Writes the header row.
    public func writeHeader(tiers: [String], to writer: CSVWriter) throws {
        try writer.writeRow(header(tiers: tiers).map(CSVValue.text))
    }

    /// Writes one row.
    /// - Parameter tierMap: for each header tier, the row's point's tier index (nil: empty field).
    /// - Complexity: O(columns + tiers × per-tier columns).
    /// Inlinable, so each schema's caller specialises it for its row type: generic, the loop went
    /// through the runtime's metadata for every field.
    @inlinable
    public func write(_ row: Row, tierMap: [Int?] = [], to writer: CSVWriter) throws {
        try writer.writeRow { bytes in
            fields.withUnsafeBufferPointer { fields in
                var first = true
                for field in fields {
                    switch field {
                    case .single(let value):
                        if !first { bytes.append(UInt8(ascii: ",")) }
                        first = false
                        CSVWriter.append(value(row), to: &bytes)
                    case .perTier(let value):
                        for t in tierMap {
                            if !first { bytes.append(UInt8(ascii: ",")) }
                            first = false
                            if let t { CSVWriter.append(value(row, t), to: &bytes) }
                        }
                    }
                }
            }
        }
    }
}
