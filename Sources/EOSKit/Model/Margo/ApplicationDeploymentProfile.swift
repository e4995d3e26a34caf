/// The deployment profile an application deployment installs: the type and the components, copied from the chosen
/// profile of the application's description.
public struct ApplicationDeploymentProfile: Sendable, Hashable, Codable {
    /// Helm or Compose.
    public var type: MargoDeploymentProfileType
    /// The packages to install, in order.
    public var components: [MargoComponent]
    /// What a device must offer to run the profile.
    public var deviceConstraints: MargoDeviceConstraints?
    /// The older form of ``deviceConstraints``, kept when a document carries it.
    public var requiredResources: MargoResourceRequirements?

    /// Creates a profile.
    public init(
        type: MargoDeploymentProfileType, components: [MargoComponent],
        deviceConstraints: MargoDeviceConstraints? = nil, requiredResources: MargoResourceRequirements? = nil
    ) {
        self.type = type
        self.components = components
        self.deviceConstraints = deviceConstraints
        self.requiredResources = requiredResources
    }

    /// The profile a deployment of `profile` carries.
    public init(_ profile: MargoDeploymentProfile) {
        self.init(
            type: profile.type, components: profile.components, deviceConstraints: profile.deviceConstraints,
            requiredResources: profile.requiredResources)
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case type, components, deviceConstraints, requiredResources }

    /// Decodes a profile; `type` and `components` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(MargoDeploymentProfileType.self, forKey: .type)
        components = try container.decode([MargoComponent].self, forKey: .components)
        deviceConstraints = try container.decodeIfPresent(MargoDeviceConstraints.self, forKey: .deviceConstraints)
        requiredResources = try container.decodeIfPresent(MargoResourceRequirements.self, forKey: .requiredResources)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems = MargoComponent.nameProblems(in: components, at: path.appending("components"))
        if let deviceConstraints {
            problems += deviceConstraints.validationProblems(at: path.appending("deviceConstraints"))
        }
        return problems
    }
}

extension ApplicationDeploymentProfile: DecodingPlaceholder {
    static var decodingPlaceholder: ApplicationDeploymentProfile {
        ApplicationDeploymentProfile(type: .helm, components: [])
    }
}
