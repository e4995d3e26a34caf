internal import GRPCCore

extension MargoError {
    /// The EOS error for a failed call, from the gRPC status the peer or the transport gave.
    init(_ error: RPCError, calling method: String) {
        let code: Code
        switch error.code {
        case .unavailable, .cancelled: code = .unavailable
        case .deadlineExceeded: code = .deadlineExceeded
        case .permissionDenied, .unauthenticated: code = .permissionDenied
        case .invalidArgument: code = .invalidMessage
        case .failedPrecondition: code = .staleGeneration
        case .unimplemented: code = .unimplemented
        default: code = .remoteFailure
        }
        self.init(code: code, message: "\(method): \(error.message)")
    }

    /// The gRPC status a handler's `MargoError` is answered with.
    var rpcError: RPCError {
        let status: RPCError.Code
        switch code {
        case .unavailable: status = .unavailable
        case .deadlineExceeded: status = .deadlineExceeded
        case .permissionDenied: status = .permissionDenied
        case .invalidMessage: status = .invalidArgument
        case .staleGeneration: status = .failedPrecondition
        case .unimplemented: status = .unimplemented
        default: status = .internalError
        }
        return RPCError(code: status, message: message)
    }
}

/// Runs a client call, turning every failure into a `MargoError`.
func withMargoErrors<Result>(_ method: String, _ body: () async throws -> Result) async throws(MargoError) -> Result {
    do {
        return try await body()
    } catch let error as MargoError {
        throw error
    } catch let error as RPCError {
        throw MargoError(error, calling: method)
    } catch {
        throw MargoError(code: .remoteFailure, message: "\(method) failed", cause: error)
    }
}

/// Runs a handler, answering its `MargoError`s with their gRPC status.
func answeringMargoErrors<Result>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as MargoError {
        throw error.rpcError
    }
}
