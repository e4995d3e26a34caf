/// The kinds of document EOS reads, and how a document's kind is recognised.
///
/// A document names its kind in `kind:`. Margo's rc.3 payloads dropped `apiVersion` and `kind`, so a document
/// without `kind` is recognised by its shape: `spec.deploymentProfile` is an `ApplicationDeployment`,
/// `manifestVersion` a `DesiredStateManifest`, `deploymentId` with `status` a `DeploymentStatus`, and a
/// top-level `properties` mapping a device's capabilities.
public struct DocumentKind: Sendable, Hashable, CustomStringConvertible {
    /// The kind's name as documents write it.
    public var name: String

    /// Creates a kind from its name.
    public init(_ name: String) { self.name = name }

    /// EOS's own deployment document.
    public static let fleetDeployment = DocumentKind("FleetDeployment")
    /// A Margo application package's description.
    public static let applicationDescription = DocumentKind("ApplicationDescription")
    /// A Margo application deployment: one application's desired state on one device.
    public static let applicationDeployment = DocumentKind("ApplicationDeployment")
    /// A Margo deployment status report.
    public static let deploymentStatus = DocumentKind("DeploymentStatus")
    /// A Margo device capabilities report.
    public static let deviceCapabilities = DocumentKind("DeviceCapabilities")
    /// A Margo desired-state manifest: the deployments a device should run.
    public static let desiredStateManifest = DocumentKind("DesiredStateManifest")

    /// Every kind EOS reads.
    public static let all: [DocumentKind] = [
        .fleetDeployment, .applicationDescription, .applicationDeployment, .deploymentStatus,
        .deviceCapabilities, .desiredStateManifest,
    ]

    /// The spellings of `kind:` that name each kind, including Margo's older manifest names.
    static let aliases: [String: DocumentKind] = [
        "FleetDeployment": .fleetDeployment,
        "ApplicationDescription": .applicationDescription,
        "ApplicationDeployment": .applicationDeployment,
        "DeploymentStatus": .deploymentStatus,
        "DeploymentStatusManifest": .deploymentStatus,
        "DeviceCapabilities": .deviceCapabilities,
        "DeviceCapabilitiesManifest": .deviceCapabilities,
        "DesiredStateManifest": .desiredStateManifest,
        "StateManifest": .desiredStateManifest,
    ]

    /// The kind's name.
    public var description: String { name }

    /// Recognises a parsed document's kind, or explains why it cannot.
    static func recognise(_ root: DocumentNode) -> Result<DocumentKind, DocumentError> {
        guard case .mapping(let mapping) = root else {
            return failure(
                ValidationProblem(
                    path: .root, message: "expected a mapping at the top of the document, found \(ScalarKind.describe(root))",
                    location: root.location))
        }
        func value(_ key: String) -> DocumentNode? { mapping.value(for: key) }
        if let kindNode = value("kind") {
            let word = kindNode.scalarText ?? ""
            if let kind = aliases[word] { return .success(kind) }
            var message = "unknown kind \"\(word)\"; EOS reads \(all.map(\.name).joined(separator: ", "))"
            if let nearest = SpellingSuggestion.nearest(to: word, in: Array(aliases.keys).sorted()) {
                message += " (did you mean \"\(nearest)\"?)"
            }
            return failure(
                ValidationProblem(path: ["kind"], message: message, location: kindNode.location))
        }
        if case .mapping(let spec)? = value("spec"), spec.value(for: "deploymentProfile") != nil {
            return .success(.applicationDeployment)
        }
        if value("manifestVersion") != nil { return .success(.desiredStateManifest) }
        if value("deploymentId") != nil, value("status") != nil { return .success(.deploymentStatus) }
        if value("properties") != nil { return .success(.deviceCapabilities) }
        if value("deploymentProfiles") != nil { return .success(.applicationDescription) }
        return failure(
            ValidationProblem(
                path: ["kind"],
                message: "required: the document names no kind and its shape matches none of \(all.map(\.name).joined(separator: ", "))",
                location: root.location))
    }

    private static func failure(_ problem: ValidationProblem) -> Result<DocumentKind, DocumentError> {
        .failure(DocumentError(code: .unknownKind, problems: [problem]))
    }
}
