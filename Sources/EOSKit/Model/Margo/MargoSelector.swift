/// A set of match expressions that must all hold, evaluated against a device's reported properties or labels.
public struct MargoSelector: Sendable, Hashable, Codable {
    /// The expressions, all of which must match.
    public var matchExpressions: [MargoMatchExpression]

    /// Creates a selector.
    public init(matchExpressions: [MargoMatchExpression]) { self.matchExpressions = matchExpressions }

    enum CodingKeys: String, CodingKey, CaseIterable { case matchExpressions }

    /// Decodes a selector; `matchExpressions` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        matchExpressions = try container.decode([MargoMatchExpression].self, forKey: .matchExpressions)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        matchExpressions.enumerated().flatMap { index, expression in
            expression.validationProblems(at: path.appending("matchExpressions").appending(index))
        }
    }
}

extension MargoSelector: DecodingPlaceholder {
    static var decodingPlaceholder: MargoSelector { MargoSelector(matchExpressions: []) }
}
