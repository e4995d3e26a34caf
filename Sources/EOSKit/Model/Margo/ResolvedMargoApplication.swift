/// A Margo application reference checked against its description: the chosen profile, the effective parameter
/// values, and what each component receives.
public struct ResolvedMargoApplication: Sendable, Hashable, Codable {
    /// One component of the chosen profile with the values its parameter targets point at.
    public struct Component: Sendable, Hashable, Codable {
        /// The component as the profile lists it.
        public var component: MargoComponent
        /// The values to apply, by pointer: a Helm values path (`idp.name`) or an environment variable
        /// (`IDP_NAME`).
        public var values: [String: MargoValue]

        /// Creates a resolved component.
        public init(component: MargoComponent, values: [String: MargoValue]) {
            self.component = component
            self.values = values
        }
    }

    /// The application's id.
    public var applicationId: String
    /// The chosen deployment profile.
    public var profile: MargoDeploymentProfile
    /// Every parameter that has a value: the description's defaults overlaid with the values given.
    public var parameters: [String: MargoValue]
    /// The profile's components, in order, each with its values.
    public var components: [Component]

    /// Creates a resolution.
    public init(
        applicationId: String, profile: MargoDeploymentProfile, parameters: [String: MargoValue],
        components: [Component]
    ) {
        self.applicationId = applicationId
        self.profile = profile
        self.parameters = parameters
        self.components = components
    }
}
