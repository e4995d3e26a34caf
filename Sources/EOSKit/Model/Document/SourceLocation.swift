/// A position in a source document, counted from 1 for both line and column.
///
/// Columns count Unicode scalars, as the YAML parser does.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1.
    public var column: Int

    /// Creates a location from a 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `LINE:COLUMN`, the form editors and compilers print.
    public var description: String { "\(line):\(column)" }
}
