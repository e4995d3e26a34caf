import Testing

@testable import EOSModel

@Suite("LabelSelector")
struct LabelSelectorTests {
    static let node: [String: String] = ["region": "eu-west", "gpu": "", "tier": "edge"]

    @Test func matchLabelsNeedsEveryPairWithTheSameValue() {
        let selector = LabelSelector(matchLabels: ["region": "eu-west", "tier": "edge"])
        #expect(selector.matches(Self.node))
        #expect(!selector.matches(["region": "eu-west"]))
        #expect(!selector.matches(["region": "us-east", "tier": "edge"]))
        #expect(!selector.matches([:]))
        #expect(LabelSelector(matchLabels: ["gpu": ""]).matches(Self.node))
    }

    @Test func inNeedsTheLabelWithOneOfTheValues() {
        let requirement = LabelSelectorRequirement(key: "region", operator: .in, values: ["eu-west", "eu-north"])
        #expect(requirement.matches(["region": "eu-west"]))
        #expect(requirement.matches(["region": "eu-north"]))
        #expect(!requirement.matches(["region": "us-east"]))
        #expect(!requirement.matches([:]))
        #expect(!LabelSelectorRequirement(key: "region", operator: .in).matches(["region": "eu-west"]))
    }

    @Test func notInAcceptsAnAbsentLabelOrAnotherValue() {
        let requirement = LabelSelectorRequirement(key: "env", operator: .notIn, values: ["lab", "test"])
        #expect(requirement.matches([:]))
        #expect(requirement.matches(["env": "prod"]))
        #expect(!requirement.matches(["env": "lab"]))
        #expect(!requirement.matches(["env": "test"]))
    }

    @Test func existsNeedsTheLabelWithAnyValue() {
        let requirement = LabelSelectorRequirement(key: "gpu", operator: .exists)
        #expect(requirement.matches(["gpu": ""]))
        #expect(requirement.matches(["gpu": "nvidia"]))
        #expect(!requirement.matches(["cpu": "arm64"]))
    }

    @Test func doesNotExistNeedsTheLabelAbsent() {
        let requirement = LabelSelectorRequirement(key: "maintenance", operator: .doesNotExist)
        #expect(requirement.matches([:]))
        #expect(requirement.matches(["region": "eu-west"]))
        #expect(!requirement.matches(["maintenance": ""]))
        #expect(!requirement.matches(["maintenance": "true"]))
    }

    @Test func everyConditionMustHold() {
        let selector = LabelSelector(
            matchLabels: ["region": "eu-west"],
            matchExpressions: [
                LabelSelectorRequirement(key: "gpu", operator: .exists),
                LabelSelectorRequirement(key: "tier", operator: .in, values: ["edge", "core"]),
                LabelSelectorRequirement(key: "maintenance", operator: .doesNotExist),
            ])
        #expect(selector.matches(Self.node))
        #expect(!selector.matches(Self.node.merging(["maintenance": "yes"]) { $1 }))
        #expect(!selector.matches(Self.node.merging(["tier": "cloud"]) { $1 }))
        #expect(!selector.matches(Self.node.filter { $0.key != "gpu" }))
        #expect(!selector.matches(Self.node.merging(["region": "us-east"]) { $1 }))
    }

    @Test func anEmptySelectorMatchesEverything() {
        #expect(LabelSelector.everything.isEmpty)
        #expect(LabelSelector().matches([:]))
        #expect(LabelSelector().matches(Self.node))
        #expect(!LabelSelector(matchLabels: ["a": "b"]).isEmpty)
        #expect(!LabelSelector(matchExpressions: [.init(key: "a", operator: .exists)]).isEmpty)
    }

    @Test func aTargetWithoutSelectorsTakesEverySiteAndNode() {
        let target = FleetTarget()
        #expect(target.matchesSite([:]))
        #expect(target.matchesNode(["any": "thing"]))
        let narrowed = FleetTarget(
            sites: LabelSelector(matchLabels: ["region": "eu-west"]),
            nodes: LabelSelector(matchExpressions: [.init(key: "gpu", operator: .exists)]))
        #expect(narrowed.matchesSite(["region": "eu-west"]))
        #expect(!narrowed.matchesSite(["region": "us-east"]))
        #expect(narrowed.matchesNode(["gpu": "1"]))
        #expect(!narrowed.matchesNode([:]))
    }

    @Test func decodesFromADocumentAndLeavesOutEmptyParts() throws {
        let deployment = try FleetDeployment(
            yaml: """
                apiVersion: eos/v1
                kind: FleetDeployment
                metadata: {name: selector-check}
                spec:
                  target:
                    sites: {matchLabels: {region: eu-west}}
                    nodes:
                      matchExpressions:
                        - {key: gpu, operator: Exists}
                        - {key: tier, operator: NotIn, values: [cloud]}
                  workloads:
                    - {name: worker, process: {command: [/bin/worker]}}
                """)
        let target = deployment.spec.target
        #expect(target.sites == LabelSelector(matchLabels: ["region": "eu-west"]))
        #expect(target.nodes?.matchExpressions.map(\.operator) == [.exists, .notIn])
        #expect(target.matchesNode(["gpu": "", "tier": "edge"]))
        #expect(!target.matchesNode(["gpu": "", "tier": "cloud"]))
        let yaml = try deployment.yamlString()
        #expect(!yaml.contains("matchExpressions: []"))
        #expect(!yaml.contains("values: []"))
    }
}
