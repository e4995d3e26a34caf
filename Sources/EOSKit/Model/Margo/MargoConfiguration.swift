/// How an application's parameters are presented to a user and checked: sections of settings, and schemas.
public struct MargoConfiguration: Sendable, Hashable, Codable {
    /// The settings, grouped for display.
    public var sections: [MargoConfigurationSection]
    /// The rules values must satisfy, referred to by name from settings.
    public var schema: [MargoParameterSchema]

    /// Creates a configuration.
    public init(sections: [MargoConfigurationSection] = [], schema: [MargoParameterSchema] = []) {
        self.sections = sections
        self.schema = schema
    }

    /// Every setting of every section, in order.
    public var settings: [MargoConfigurationSetting] { sections.flatMap(\.settings) }

    /// The schema named `name`.
    public func schema(named name: String) -> MargoParameterSchema? {
        schema.first { $0.name == name }
    }

    /// The settings that configure `parameter`, each with its schema when that exists.
    public func settings(for parameter: String) -> [(setting: MargoConfigurationSetting, schema: MargoParameterSchema?)]
    {
        settings.filter { $0.parameter == parameter }.map { ($0, schema(named: $0.schema)) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case sections, schema }

    /// Decodes a configuration; both lists default to empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sections = try container.decodeIfPresent([MargoConfigurationSection].self, forKey: .sections) ?? []
        schema = try container.decodeIfPresent([MargoParameterSchema].self, forKey: .schema) ?? []
    }

    /// Problems with the configuration: settings naming unknown parameters or schemas, repeated schema names, and
    /// schemas that contradict themselves.
    func validationProblems(at path: DocumentPath, parameters: [String: MargoParameter]) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let parameterNames = parameters.keys.sorted()
        let schemaNames = schema.map(\.name)
        for (sectionIndex, section) in sections.enumerated() {
            let sectionPath = path.appending("sections").appending(sectionIndex)
            for (settingIndex, setting) in section.settings.enumerated() {
                let settingPath = sectionPath.appending("settings").appending(settingIndex)
                if !setting.parameter.isEmpty, parameters[setting.parameter] == nil {
                    problems.append(
                        ValidationProblem(
                            path: settingPath.appending("parameter"),
                            message: MargoRules.unknownName("parameter", setting.parameter, known: parameterNames)))
                }
                if !setting.schema.isEmpty, !schemaNames.contains(setting.schema) {
                    problems.append(
                        ValidationProblem(
                            path: settingPath.appending("schema"),
                            message: MargoRules.unknownName("schema", setting.schema, known: schemaNames)))
                }
            }
        }
        problems += MargoRules.duplicates(
            schemaNames, noun: "schema name", at: { path.appending("schema").appending($0).appending("name") },
            describing: { "\(path.appending("schema").appending($0))" })
        for (index, rule) in schema.enumerated() {
            problems += rule.validationProblems(at: path.appending("schema").appending(index))
        }
        return problems
    }
}

extension MargoConfiguration: DecodingPlaceholder {
    static var decodingPlaceholder: MargoConfiguration { MargoConfiguration() }
}
