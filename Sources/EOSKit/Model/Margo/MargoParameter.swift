/// A configurable value of a Margo application: its value (a default, in a description) and where it goes.
public struct MargoParameter: Sendable, Hashable, Codable {
    /// The value; in a description, the default, if any.
    public var value: MargoValue?
    /// Where the value is applied.
    public var targets: [MargoParameterTarget]

    /// Creates a parameter.
    public init(value: MargoValue? = nil, targets: [MargoParameterTarget]) {
        self.value = value
        self.targets = targets
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case value, targets }

    /// Decodes a parameter; `targets` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try container.decodeIfPresent(MargoValue.self, forKey: .value)
        targets = try container.decode([MargoParameterTarget].self, forKey: .targets)
    }

    /// Problems with target components that are not in `known`, which names the components the targets may use.
    static func targetProblems(
        in parameters: [String: MargoParameter], at path: DocumentPath, knownComponents known: [String]
    ) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let knownSet = Set(known)
        for name in parameters.keys.sorted() {
            let parameterPath = path.appending(name)
            for (targetIndex, target) in parameters[name]!.targets.enumerated() {
                let targetPath = parameterPath.appending("targets").appending(targetIndex)
                if target.components.isEmpty {
                    problems.append(
                        ValidationProblem(
                            path: targetPath.appending("components"), message: "required: name at least one component"))
                }
                for (index, component) in target.components.enumerated() where !knownSet.contains(component) {
                    problems.append(
                        ValidationProblem(
                            path: targetPath.appending("components").appending(index),
                            message: MargoRules.unknownName("component", component, known: known)))
                }
            }
        }
        return problems
    }
}

extension MargoParameter: DecodingPlaceholder {
    static var decodingPlaceholder: MargoParameter { MargoParameter(targets: []) }
}
