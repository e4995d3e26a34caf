/// The error EOSModel throws when a document cannot be read or breaks the rules.
///
/// It carries every problem found, not just the first, so an operator fixes a document in one round.
public struct DocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name.
        public var name: String

        /// Creates a code; EOS's own codes are the static members.
        public init(_ name: String) { self.name = name }

        /// The text is not well-formed YAML or JSON.
        public static let syntax = Code("syntax")
        /// The document parsed but does not have the expected shape, or breaks a rule.
        public static let invalid = Code("invalid")
        /// The document's kind is not one EOS knows.
        public static let unknownKind = Code("unknown-kind")
        /// The document asks for something EOS cannot do yet.
        public static let unsupported = Code("unsupported")

        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Every problem found, in document order.
    public var problems: [ValidationProblem]

    /// Creates an error from its problems.
    public init(code: Code = .invalid, problems: [ValidationProblem]) {
        self.code = code
        self.problems = problems
    }

    /// A summary line naming how many problems there are.
    public var message: String {
        problems.count == 1 ? "1 problem" : "\(problems.count) problems"
    }

    /// Each problem on its own line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
