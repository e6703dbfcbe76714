import CGSL
import CXoshiro

/// A GSL generator algorithm, selectable by name in scenario files and on the command line.
///
/// The default, `xoshiro256**`, is a custom GSL generator type (see the `CXoshiro` target):
/// 256 bits of state, 64-bit output, and a full 64-bit seed. The classic GSL generators
/// are offered for comparison, with one limit: GSL's seeding of `mt19937`, `taus2` and
/// `ranlxd2` keeps only the low 32 bits of a seed (mt19937 also maps 0 to 4357), so two
/// keyed streams whose 64-bit seeds agree in their low 32 bits are identical. With a
/// million keyed streams such collisions become likely (birthday bound ≈ 1 − e^(−n²/2³³)),
/// so choose them only for small runs or to cross-check results.
public enum Generator: String, CaseIterable, Sendable, CustomStringConvertible {
    case xoshiro256ss = "xoshiro256**"
    case mt19937
    case taus2
    case ranlxd2

    /// The generator used when none is named: `xoshiro256**`, seeded with 64 bits.
    public static let `default`: Generator = .xoshiro256ss

    /// Looks a generator up by its name (`xoshiro256**`, also `xoshiro256ss` or `default`).
    public init?(name: String) {
        switch name.lowercased() {
        case "default", "xoshiro256**", "xoshiro256ss", "xoshiro": self = .xoshiro256ss
        case "mt19937": self = .mt19937
        case "taus2": self = .taus2
        case "ranlxd2": self = .ranlxd2
        default: return nil
        }
    }

    /// How many bits of a 64-bit seed the generator's GSL seeding keeps.
    public var seedBits: Int { self == .xoshiro256ss ? 64 : 32 }

    public var description: String { rawValue }

    @usableFromInline
    var gslType: UnsafePointer<gsl_rng_type> {
        switch self {
        case .xoshiro256ss: return suanli_rng_xoshiro256ss()
        case .mt19937: return suanli_rng_mt19937()
        case .taus2: return suanli_rng_taus2()
        case .ranlxd2: return suanli_rng_ranlxd2()
        }
    }
}

/// Turns GSL's abort-on-error handler off for the whole process.
///
/// GSL's default handler calls `abort()` on any domain error; Suanli validates parameters
/// before calling GSL, and must never crash on input. Called by every `RandomStream`
/// initialiser, so users need not call it; idempotent and thread-safe (one global store of
/// a constant).
public func disableGSLAbort() {
    _ = gslHandlerOff
}

private let gslHandlerOff: Void = {
    gsl_set_error_handler_off()
}()
