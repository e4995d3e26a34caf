/// One problem an invalid fixture must produce: its printed path, its line:column, and part of its message.
struct ExpectedProblem: Sendable, CustomStringConvertible {
    let path: String
    let line: Int
    let column: Int
    let message: String

    init(_ path: String, _ line: Int, _ column: Int, _ message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    var description: String { "\(path): …\(message)… (\(line):\(column))" }
}

/// Every fixture in `Fixtures/invalid-fleet/` and exactly the problems decoding it must report, in order.
///
/// Each fixture is a realistic deployment with one deliberate mistake, or a few; the file name says which.
enum InvalidFleetExpectations {
    static let table: [String: [ExpectedProblem]] = [
        "01-metadata-name-uppercase.yaml": [
            .init("metadata.name", 4, 9, "\"Vision_Pipeline\" is not a DNS-1123 label")
        ],
        "02-workload-name-underscore.yaml": [
            .init("spec.workloads[1].name", 12, 13, "\"frame_uploader\" is not a DNS-1123 label")
        ],
        "03-workload-name-too-long.yaml": [
            .init(
                "spec.workloads[0].name", 7, 13,
                "\"vibration-sensor-collector-for-the-north-assembly-line-number-four\" is longer than 63 characters")
        ],
        "04-duplicate-workload-names.yaml": [
            .init("spec.workloads[2].name", 15, 13, "duplicate workload name \"counter\" (also at workloads[0])")
        ],
        "05-image-bad-tag.yaml": [
            .init(
                "spec.workloads[0].container.image", 9, 16,
                "\"registry.local/vision/detector:-rc1\" has an invalid tag \"-rc1\"")
        ],
        "06-image-uppercase-repository.yaml": [
            .init(
                "spec.workloads[0].container.image", 9, 16,
                "\"registry.local:5000/Vision/Detector:1.4.2\" is not a valid image reference")
        ],
        "07-image-bad-digest.yaml": [
            .init(
                "spec.workloads[0].container.image", 9, 16,
                "\"registry.local/vision/detector@sha256:4f1c2d\" has an invalid digest")
        ],
        "08-percentage-over-100.yaml": [
            .init("spec.rollout.maxUnavailable", 12, 21, "150% is outside 0%–100%"),
            .init("spec.rollout.failureThreshold", 13, 23, "101% is outside 0%–100%"),
        ],
        "09-percentage-malformed.yaml": [
            .init("spec.rollout.steps[1]", 12, 20, "\"fifty%\" is not a percentage"),
            .init("spec.rollout.failureThreshold", 13, 23, "\"5\" is not a percentage"),
        ],
        "10-canary-steps-not-increasing.yaml": [
            .init(
                "spec.rollout.steps[2]", 14, 27,
                "30% must be greater than the step before it (50%): steps strictly increase")
        ],
        "11-canary-steps-not-ending-at-100.yaml": [
            .init("spec.rollout.steps[2]", 15, 9, "the last step must be 100%, found 90%")
        ],
        "12-steps-on-rolling.yaml": [
            .init("spec.rollout.steps", 12, 5, "only used with strategy Canary (strategy is Rolling)")
        ],
        "13-stop-timeout-words.yaml": [
            .init("spec.workloads[0].stopTimeout", 11, 20, "\"5 minutes\" is not a duration")
        ],
        "14-progress-deadline-days.yaml": [
            .init("spec.rollout.progressDeadline", 12, 23, "\"1d\" is not a duration")
        ],
        "15-cpu-quantity-bad-suffix.yaml": [
            .init("spec.workloads[0].container.resources.cpu", 11, 16, "\"12x\" is not a quantity")
        ],
        "16-memory-quantity-negative.yaml": [
            .init("spec.workloads[0].container.resources.memory", 10, 40, "\"-512Mi\" is not a quantity"),
            .init("spec.workloads[1].process.resources.memory", 14, 29, "512 is less than 1Mi"),
        ],
        // A misspelt required field is reported once, as the unknown field, not also as `container: required`.
        "17-unknown-field-contianer.yaml": [
            .init("spec.workloads[0].contianer", 8, 7, "unknown field \"contianer\"; did you mean \"container\"?")
        ],
        "18-unknown-field-matchlabel.yaml": [
            .init("spec.target.sites.matchLabel", 8, 7, "unknown field \"matchLabel\"; did you mean \"matchLabels\"?")
        ],
        "19-mapping-where-string-expected.yaml": [
            .init("spec.workloads[0].container.image", 9, 9, "expected a string, found a mapping")
        ],
        "20-string-where-integer-expected.yaml": [
            .init("spec.workloads[0].healthCheck.periodSeconds", 12, 24, "expected an integer, found a string \"ten\""),
            .init(
                "spec.workloads[0].healthCheck.failureThreshold", 13, 27,
                "expected an integer, found a string \"3\""),
        ],
        "21-sequence-where-mapping-expected.yaml": [
            .init("spec.workloads[0].container.env", 10, 9, "expected a mapping, found a sequence")
        ],
        "22-boolean-where-string-expected.yaml": [
            .init(
                "metadata.labels.critical", 7, 15,
                "expected a string, found a boolean; quote it (\"true\") if text is meant"),
            .init(
                "spec.workloads[0].container.env.ENABLE_GPU", 15, 23,
                "expected a string, found a boolean; quote it (\"true\") if text is meant"),
        ],
        // Points into the `process` mapping (its first key), not at the `process:` key; see the report.
        "23-container-and-process.yaml": [
            .init("spec.workloads[0].process", 10, 7, "a workload is a container or a process, not both")
        ],
        "24-neither-container-nor-process.yaml": [
            .init("spec.workloads[1].container", 10, 7, "required: give a container or a process")
        ],
        // A missing field is located at its mapping's first key (`args:`); see the report.
        "25-missing-image.yaml": [
            .init("spec.workloads[1].container.image", 11, 7, "required")
        ],
        "26-missing-command.yaml": [
            .init("spec.workloads[0].process.command", 8, 7, "required")
        ],
        "27-missing-metadata-name.yaml": [
            .init("metadata.name", 3, 1, "required")
        ],
        "28-selector-unknown-operator.yaml": [
            .init(
                "spec.target.nodes.matchExpressions[0].operator", 10, 21,
                "unknown value \"Exist\"; expected one of In, NotIn, Exists, DoesNotExist (did you mean \"Exists\"?)")
        ],
        "29-selector-in-without-values.yaml": [
            .init("spec.target.sites.matchExpressions[0].values", 9, 11, "required: In needs at least one value")
        ],
        "30-selector-exists-with-values.yaml": [
            .init("spec.target.nodes.matchExpressions[0].values", 11, 11, "must be empty for operator Exists")
        ],
        "31-placement-replicas-without-count.yaml": [
            .init("spec.placement.replicas", 6, 3, "required for mode Replicas")
        ],
        "32-placement-replicas-with-everynode.yaml": [
            .init("spec.placement.replicas", 6, 42, "only used with mode Replicas")
        ],
        "33-placement-replicas-zero.yaml": [
            .init("spec.placement.replicas", 8, 15, "must be at least 1, found 0")
        ],
        "34-healthcheck-bounds.yaml": [
            .init("spec.workloads[0].healthCheck.periodSeconds", 12, 24, "must be at least 1, found 0"),
            .init("spec.workloads[0].healthCheck.initialDelaySeconds", 14, 30, "must be at least 0, found -5"),
        ],
        "35-healthcheck-timeout-longer-than-period.yaml": [
            .init("spec.workloads[0].healthCheck.timeoutSeconds", 10, 75, "30s is longer than periodSeconds (5s)")
        ],
        "36-mount-relative-paths.yaml": [
            .init(
                "spec.workloads[0].container.mounts[0].source", 11, 21,
                "\"srv/recordings\" must be an absolute path"),
            .init("spec.workloads[0].container.mounts[1].target", 14, 21, "\"config\" must be an absolute path"),
        ],
        "37-mount-duplicate-target.yaml": [
            .init(
                "spec.workloads[0].container.mounts[2].target", 13, 47,
                "\"/models\" is already mounted by mounts[0]")
        ],
        "38-env-names.yaml": [
            .init(
                "spec.workloads[0].container.env.LOG-LEVEL", 11, 11,
                "\"LOG-LEVEL\" is not a valid environment variable name"),
            .init(
                "spec.workloads[0].container.env.2FA_SECRET_FILE", 12, 11,
                "\"2FA_SECRET_FILE\" is not a valid environment variable name"),
        ],
        "39-api-version.yaml": [
            .init("apiVersion", 1, 13, "unsupported apiVersion \"eos/v2\"; expected eos/v1")
        ],
        "40-kind-misspelt.yaml": [
            .init("kind", 2, 7, "expected FleetDeployment, found \"FleetDeploy\"")
        ],
        // libyaml's position; the path is the mapping being read when it gave up.
        "41-yaml-bad-indentation.yaml": [
            .init("spec.workloads[0]", 10, 8, "invalid YAML: while parsing a block mapping did not find expected key")
        ],
        // libyaml notices the missing `]` on the next line; the path names the unclosed sequence.
        "42-yaml-unclosed-flow-sequence.yaml": [
            .init(
                "spec.workloads[0].container.args", 11, 7,
                "invalid YAML: while parsing a flow sequence did not find expected ',' or ']'")
        ],
        // Reported at the second `image`; the document is still read, so other problems would show too.
        "43-duplicate-key.yaml": [
            .init(
                "spec.workloads[0].container.image", 10, 9,
                "duplicate key \"image\" (first at 9:9); the first value is kept")
        ],
        // Key problems point at the value (column of `vision`), not at the bad key; see the report.
        "44-labels-invalid.yaml": [
            .init(
                "metadata.labels[\"Example.COM/team\"]", 6, 5,
                "label key \"Example.COM/team\" has an invalid prefix: \"Example.COM\" is not a DNS-1123 subdomain"),
            .init("metadata.labels.owner", 7, 12, "label value \"jane doe\" is invalid"),
            .init(
                "spec.target.sites.matchLabels[\"eos.io/region/zone\"]", 11, 21,
                "label key \"eos.io/region/zone\" has more than one '/'"),
        ],
        // A bad `placement` does not hide rule checks elsewhere in `spec`.
        "45-three-mistakes.yaml": [
            .init(
                "spec.placement.mode", 6, 21,
                "unknown value \"Replica\"; expected one of EveryNode, Replicas (did you mean \"Replicas\"?)"),
            .init(
                "spec.workloads[0].restartPolicy", 11, 22,
                "unknown value \"always\"; expected one of Always, OnFailure, Never (did you mean \"Always\"?)"),
            .init("spec.workloads[1].process.workingDirectory", 15, 27, "\"./uploads\" must be an absolute path"),
        ],
        // Lines count from the start of the stream.
        "46-stream-second-document-bad.yaml": [
            .init("spec.workloads[0].stopTimeout", 21, 20, "\"8m30\" is not a duration")
        ],
        "47-json-wrong-types.json": [
            .init("spec.placement.replicas", 6, 51, "expected an integer, found a string \"two\""),
            .init(
                "spec.workloads[0].container.args", 12, 19,
                "expected a sequence, found a string \"--model /models/yolo.onnx\""),
            .init(
                "spec.workloads[0].container.hostNetwork", 13, 26,
                "expected a boolean (true or false), found a string \"yes please\""),
        ],
        "48-json-unknown-field.json": [
            .init("spec.workloads[0].helthCheck", 11, 9, "unknown field \"helthCheck\"; did you mean \"healthCheck\"?")
        ],
        // JSON is YAML's flow style: the path is the object being read.
        "49-json-missing-comma.json": [
            .init(
                "spec.workloads[0]", 9, 9,
                "invalid YAML: while parsing a flow mapping did not find expected ',' or '}'")
        ],
        "50-no-workloads.yaml": [
            .init("spec.workloads", 5, 1, "required: list at least one workload, or name an application"),
            .init("spec.rollout.steps", 10, 5, "required for strategy Canary: list at least one step"),
        ],
        // A misspelling of either alternative explains the missing `container or process`.
        "51-unknown-field-proces.yaml": [
            .init("spec.workloads[0].proces", 8, 7, "unknown field \"proces\"; did you mean \"process\"?")
        ],
        "52-misspelt-required-image.yaml": [
            .init("spec.workloads[0].container.imge", 9, 9, "unknown field \"imge\"; did you mean \"image\"?")
        ],
        // A bare `-` is one problem, not `name: required` and `container: required`.
        "53-empty-workload-item.yaml": [
            .init("spec.workloads[1]", 10, 6, "expected a mapping, found null")
        ],
        // No follow-on `replicas: only used with mode Replicas` from the placeholder mode.
        "54-placement-mode-missing.yaml": [
            .init("spec.placement.mode", 6, 3, "required")
        ],
        // Every bad step is reported, not only the first.
        "55-canary-steps-wrong-types.yaml": [
            .init("spec.rollout.steps[0]", 13, 9, "\"10\" is not a percentage"),
            .init(
                "spec.rollout.steps[1]", 14, 9,
                "expected a string, found a boolean; quote it (\"true\") if text is meant"),
            .init("spec.rollout.steps[2]", 15, 9, "expected a string, found a mapping"),
        ],
        // Not a problem about a `process` the document never wrote.
        "56-empty-container.yaml": [
            .init("spec.workloads[0].container", 8, 17, "required: give a container or a process")
        ],
        // libyaml gives up at `rollout:`; the path names the unclosed `{`.
        "57-yaml-compact-sequence-unclosed-mapping.yaml": [
            .init(
                "spec.workloads[1].process", 12, 3,
                "invalid YAML: while parsing a flow mapping did not find expected ',' or '}'")
        ],
        // Reported at the second `name`, inside a flow mapping.
        "58-duplicate-key-flow-mapping.yaml": [
            .init("metadata.name", 3, 56, "duplicate key \"name\" (first at 3:12); the first value is kept")
        ],
        // A bad field hides only its own object's cross-field checks, not deeper ones in its siblings.
        "59-bad-field-does-not-hide-others.yaml": [
            .init("spec.placement.perSite", 6, 41, "only used with mode Replicas"),
            .init(
                "spec.workloads[0].container.image", 10, 16,
                "\"ghcr.io/ACME/plc-bridge:2024.06\" is not a valid image reference"),
            .init("spec.workloads[0].container.mounts[0].target", 12, 43, "\"etc/bridge\" must be an absolute path"),
            .init("spec.workloads[0].stopTimeout", 13, 20, "\"30 s\" is not a duration"),
        ],
        // A stray item at the top level of a mapping.
        "60-sequence-item-in-mapping.yaml": [
            .init("(document)", 3, 1, "invalid YAML: while parsing a block mapping did not find expected key")
        ],
        // Items written at their key's indentation (`workloads:` then `- name:`).
        "61-yaml-compact-sequence-bad-indentation.yaml": [
            .init("spec.workloads[1]", 13, 6, "invalid YAML: while parsing a block mapping did not find expected key")
        ],
        // The first `operator` is kept; the check of `values` against it would only describe that guess.
        "62-duplicate-key-hides-cross-field-check.yaml": [
            .init(
                "spec.target.nodes.matchExpressions[0].operator", 11, 11,
                "duplicate key \"operator\" (first at 10:11); the first value is kept")
        ],
    ]
}
