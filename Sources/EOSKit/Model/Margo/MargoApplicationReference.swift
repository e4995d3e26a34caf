/// A Margo application that a `FleetDeployment` runs instead of listing workloads (`spec.application`).
///
/// ```yaml
/// application:
///   description: com-northstartida-hello-world      # or an inline ApplicationDescription mapping
///   profile: com-northstartida-hello-world-helm-a
///   parameters: {greeting: Hi}
/// ```
///
/// EOS does not run Margo deployment profiles yet: validation of an inline description and ``resolve(against:at:)``
/// report every other problem first, then refuse the profile.
public struct MargoApplicationReference: Sendable, Hashable, Codable {
    /// The application's description: inline, or by its id for EOS to look up.
    public enum Description: Sendable, Hashable, Codable {
        /// The whole description, written in the deployment.
        case inline(ApplicationDescription)
        /// The id of a description known elsewhere, such as an application catalog.
        case id(String)

        /// The application's id.
        public var applicationId: String {
            switch self {
            case .inline(let description): return description.id
            case .id(let id): return id
            }
        }

        /// Decodes a description mapping or an id.
        public init(from decoder: any Decoder) throws {
            if let nodeDecoder = decoder as? NodeDecoder {
                // Look at the node rather than probing with decodes, each of which would record its miss.
                switch nodeDecoder.node {
                case .mapping?:
                    self = .inline(try decoder.singleValueContainer().decode(ApplicationDescription.self))
                    return
                case .scalar?:
                    self = .id(try decoder.singleValueContainer().decode(String.self))
                    return
                default:
                    break
                }
            } else if let container = try? decoder.singleValueContainer() {
                if let id = try? container.decode(String.self) {
                    self = .id(id)
                    return
                }
                if let description = try? container.decode(ApplicationDescription.self) {
                    self = .inline(description)
                    return
                }
            }
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "required: an inline ApplicationDescription, or the id of one"))
        }

        /// Encodes the description mapping or the id.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .inline(let description): try container.encode(description)
            case .id(let id): try container.encode(id)
            }
        }
    }

    /// The profile types EOS can run. None yet: EOS runs `FleetDeployment` workloads, not Margo profiles.
    static let runnableProfileTypes: Set<MargoDeploymentProfileType> = []

    /// The application's description, inline or by id.
    public var description: Description
    /// The id of the deployment profile to run.
    public var profile: String
    /// Parameter values by name, overriding the description's defaults.
    public var parameters: [String: MargoValue]

    /// Creates a reference.
    public init(description: Description, profile: String, parameters: [String: MargoValue] = [:]) {
        self.description = description
        self.profile = profile
        self.parameters = parameters
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case description, profile, parameters }

    /// Decodes a reference; `description` and `profile` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        description = try container.decode(Description.self, forKey: .description)
        profile = try container.decode(String.self, forKey: .profile)
        parameters = try container.decodeIfPresent([String: MargoValue].self, forKey: .parameters) ?? [:]
    }

    /// Encodes the reference, parameters in sorted order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(description, forKey: .description)
        try container.encode(profile, forKey: .profile)
        try container.encodeSortedIfNotEmpty(parameters, forKey: .parameters)
    }

    /// Checks the reference where it sits in a document. With an inline description, this checks the description,
    /// the profile and every parameter, then refuses the profile because EOS cannot run it yet; with an id, only
    /// what can be checked without the description.
    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        switch description {
        case .inline(let inline):
            return check(against: inline, at: path, runnableTypes: Self.runnableProfileTypes).problems
        case .id(let id):
            var problems: [ValidationProblem] = []
            if let problem = MargoRules.applicationIDProblem(id) {
                problems.append(ValidationProblem(path: path.appending("description"), message: problem))
            }
            if profile.isEmpty {
                problems.append(ValidationProblem(path: path.appending("profile"), message: "required"))
            }
            return problems
        }
    }

    /// Resolves the reference against its application's description: the profile, the effective parameter values
    /// and what each component receives.
    ///
    /// Fails with every problem found: an unknown profile or parameter (with the nearest name), a value its schema
    /// refuses, a required value missing, a description whose id differs from the one named. EOS cannot run Margo
    /// profiles yet, so a reference with no other problem fails too, with one problem of code `unsupported`
    /// at `profile`.
    ///
    /// - Parameter path: where the reference sits, for the problems' paths; a `FleetDeployment`'s is the default.
    public func resolve(
        against description: ApplicationDescription, at path: DocumentPath = ["spec", "application"]
    ) -> Result<ResolvedMargoApplication, DocumentError> {
        resolve(against: description, at: path, runnableTypes: Self.runnableProfileTypes)
    }

    /// Resolves a reference whose description is inline; see ``resolve(against:at:)``.
    public func resolve(at path: DocumentPath = ["spec", "application"]) -> Result<
        ResolvedMargoApplication, DocumentError
    > {
        switch description {
        case .inline(let inline):
            return resolve(against: inline, at: path)
        case .id(let id):
            let problem = ValidationProblem(
                path: path.appending("description"),
                message: "names application \"\(id)\"; resolve it against that application's description")
            return .failure(DocumentError(problems: [problem]))
        }
    }

    func resolve(
        against description: ApplicationDescription, at path: DocumentPath,
        runnableTypes: Set<MargoDeploymentProfileType>
    ) -> Result<ResolvedMargoApplication, DocumentError> {
        let outcome = check(against: description, at: path, runnableTypes: runnableTypes)
        if outcome.problems.isEmpty, let resolved = outcome.resolved { return .success(resolved) }
        let onlyRefused = outcome.problems.count == 1 && outcome.refused
        return .failure(DocumentError(code: onlyRefused ? .unsupported : .invalid, problems: outcome.problems))
    }

    func check(
        against description: ApplicationDescription, at path: DocumentPath,
        runnableTypes: Set<MargoDeploymentProfileType>
    ) -> MargoApplicationCheck.Outcome {
        MargoApplicationCheck(reference: self, description: description, path: path, runnableTypes: runnableTypes).run()
    }
}

extension MargoApplicationReference.Description: DecodingPlaceholder {
    static var decodingPlaceholder: MargoApplicationReference.Description { .id("") }
}

extension MargoApplicationReference: DecodingPlaceholder {
    static var decodingPlaceholder: MargoApplicationReference {
        MargoApplicationReference(description: .decodingPlaceholder, profile: "")
    }
}
