/// A result folder cannot be analysed: `file` (the folder or the file at fault) and why.
public struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file; self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}
