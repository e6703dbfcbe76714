/// One field of a CSV row, before formatting.
///
/// Formatting rules (the data dictionary repeats them for readers of the files):
/// - integers in decimal;
/// - doubles in the shortest form that reads back to the same bits (Swift's
///   `Double.description`), with a trailing `.0` dropped so integral values read `5`,
///   exponents as Swift writes them (`1e-05`, `2.5e+20`), and `-0` written as `0`;
/// - NaN, ±infinity and `nil` as an empty field;
/// - text quoted per RFC 4180 when it holds a comma, a double quote, CR or LF.
public enum CSVValue: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case text(String)
    case empty

    /// A double, or empty for `nil`.
    @inlinable
    public static func number(_ x: Double?) -> CSVValue { x.map(CSVValue.double) ?? .empty }

    /// An integer, or empty for `nil`.
    @inlinable
    public static func integer(_ x: Int?) -> CSVValue { x.map(CSVValue.int) ?? .empty }

    /// Text, or empty for `nil`.
    @inlinable
    public static func string(_ x: String?) -> CSVValue { x.map(CSVValue.text) ?? .empty }

    /// The field as it appears in the file (quoted where needed).
    public var formatted: String {
        var bytes: [UInt8] = []
        CSVWriter.append(self, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The formatting functions behind ``CSVValue``.
public enum CSVFormat {
    /// Shortest round-trip decimal form of `x`; `""` for NaN and infinities.
    ///
    /// Integral values drop Swift's trailing `.0` (`5`, `-12`); `-0.0` is written `0`.
    /// Reading the text back with any correctly rounding parser gives `x` exactly
    /// (except the sign of zero).
    public static func double(_ x: Double) -> String { CSVValue.double(x).formatted }

    /// `s`, enclosed in double quotes with inner quotes doubled if it contains a comma,
    /// a double quote, CR or LF (RFC 4180); otherwise `s` unchanged.
    public static func quoted(_ s: String) -> String { CSVValue.text(s).formatted }
}
