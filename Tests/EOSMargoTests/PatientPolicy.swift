import EOSMargo

extension MargoCallPolicy {
    /// A deadline for tests that is about a hung call, not a slow machine: the whole suite shares two cores, and
    /// CPU-heavy tests can hold the cooperative pool for seconds.
    static let patient = MargoCallPolicy(timeout: .seconds(120))
}
