/// One way an application can be deployed, as its description offers it: a type and the components to install.
public struct MargoDeploymentProfile: Sendable, Hashable, Codable {
    /// Helm or Compose.
    public var type: MargoDeploymentProfileType
    /// The profile's identifier, unique within its description; a deployment names the profile by it.
    public var id: String
    /// What the profile is for, in words.
    public var description: String?
    /// The packages to install, in order.
    public var components: [MargoComponent]
    /// What the profile needs of a device (the older form of ``deviceConstraints``).
    public var requiredResources: MargoResourceRequirements?
    /// What a device must offer to run the profile (rc.3).
    public var deviceConstraints: MargoDeviceConstraints?

    /// Creates a profile.
    public init(
        type: MargoDeploymentProfileType, id: String, description: String? = nil, components: [MargoComponent],
        requiredResources: MargoResourceRequirements? = nil, deviceConstraints: MargoDeviceConstraints? = nil
    ) {
        self.type = type
        self.id = id
        self.description = description
        self.components = components
        self.requiredResources = requiredResources
        self.deviceConstraints = deviceConstraints
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, id, description, components, requiredResources, deviceConstraints
    }

    /// Decodes a profile; `type`, `id` and `components` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(MargoDeploymentProfileType.self, forKey: .type)
        id = try container.decode(String.self, forKey: .id)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        components = try container.decode([MargoComponent].self, forKey: .components)
        requiredResources = try container.decodeIfPresent(MargoResourceRequirements.self, forKey: .requiredResources)
        deviceConstraints = try container.decodeIfPresent(MargoDeviceConstraints.self, forKey: .deviceConstraints)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems = MargoComponent.nameProblems(in: components, at: path.appending("components"))
        if let deviceConstraints {
            problems += deviceConstraints.validationProblems(at: path.appending("deviceConstraints"))
        }
        return problems
    }
}

extension MargoDeploymentProfile: DecodingPlaceholder {
    static var decodingPlaceholder: MargoDeploymentProfile {
        MargoDeploymentProfile(type: .helm, id: "", components: [])
    }
}
