/// A Margo desired-state manifest: every deployment a device should run, as a versioned list of content-addressed
/// references plus one bundle holding them all.
///
/// `manifestVersion` only grows (1 … 2^64−1), which lets a device refuse a rolled-back manifest. With no
/// deployments, `bundle` is null.
public struct DesiredStateManifest: EOSDocument {
    /// The API version, when a document gives one; rc.3 manifests do not.
    public var apiVersion: String?
    /// `DesiredStateManifest` or `StateManifest`, when a document gives one; rc.3 manifests do not.
    public var kind: String?
    /// The manifest's version, at least 1.
    public var manifestVersion: UInt64
    /// The archive of every deployment; `nil` (written as null) when there are none.
    public var bundle: MargoDeploymentBundle?
    /// The deployments, each by id and digest.
    public var deployments: [MargoDeploymentReference]

    /// Creates a manifest.
    public init(manifestVersion: UInt64, bundle: MargoDeploymentBundle?, deployments: [MargoDeploymentReference]) {
        self.manifestVersion = manifestVersion
        self.bundle = bundle
        self.deployments = deployments
    }

    /// `DesiredStateManifest`.
    public static var documentKind: DocumentKind { .desiredStateManifest }

    /// `manifest 101`.
    public var documentName: String { "manifest \(manifestVersion)" }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, manifestVersion, bundle, deployments }

    /// Decodes a manifest; `manifestVersion` and `deployments` are required, `bundle` may be null.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        manifestVersion = try container.decode(UInt64.self, forKey: .manifestVersion)
        bundle = try container.decodeIfPresent(MargoDeploymentBundle.self, forKey: .bundle)
        deployments = try container.decode([MargoDeploymentReference].self, forKey: .deployments)
    }

    /// Encodes the manifest; `bundle` is written as null when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(kind, forKey: .kind)
        try container.encode(manifestVersion, forKey: .manifestVersion)
        if let bundle {
            try container.encode(bundle, forKey: .bundle)
        } else {
            try container.encodeNil(forKey: .bundle)
        }
        try container.encode(deployments, forKey: .deployments)
    }

    /// The spellings of `kind` a manifest may use.
    static let kindNames = ["DesiredStateManifest", "StateManifest"]

    /// Every rule the manifest breaks.
    public func validationProblems() -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let kind, !Self.kindNames.contains(kind) {
            problems.append(
                ValidationProblem(path: ["kind"], message: "expected DesiredStateManifest, found \"\(kind)\""))
        }
        if manifestVersion == 0 {
            problems.append(
                ValidationProblem(path: ["manifestVersion"], message: "must be at least 1 (1 … 2^64−1), found 0"))
        }
        switch (bundle, deployments.isEmpty) {
        case (let bundle?, false):
            problems += bundle.validationProblems(at: ["bundle"])
        case (nil, false):
            problems.append(ValidationProblem(path: ["bundle"], message: "required when there are deployments"))
        case (_?, true):
            problems.append(ValidationProblem(path: ["bundle"], message: "must be null when there are no deployments"))
        case (nil, true):
            break
        }
        for (index, deployment) in deployments.enumerated() {
            problems += deployment.validationProblems(at: ["deployments", .index(index)])
        }
        problems += MargoRules.duplicates(
            deployments.map(\.deploymentId), noun: "deployment", at: { ["deployments", .index($0), "deploymentId"] },
            describing: { "deployments[\($0)]" })
        return problems
    }
}

extension DesiredStateManifest: DecodingPlaceholder {
    static var decodingPlaceholder: DesiredStateManifest {
        DesiredStateManifest(manifestVersion: 1, bundle: nil, deployments: [])
    }
}
