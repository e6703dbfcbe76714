import ReferenceModels
import Testing

@Suite("Erlang B")
struct ErlangBTests {
    /// Published values, B(A, C) for load A and C units, to the digits given.
    @Test(arguments: [
        (load: 2.5, servers: 7, blocking: 0.00998),
        (load: 10.0, servers: 10, blocking: 0.2146),
        (load: 100.0, servers: 110, blocking: 0.0275),
    ])
    func matchesTabulatedValues(load: Double, servers: Int, blocking: Double) {
        let b = erlangB(servers: servers, load: load)
        #expect(abs(b - blocking) <= 0.5e-4 * max(1, blocking / 0.01),
                "B(\(load), \(servers)) = \(b), tabulated \(blocking)")
    }

    @Test func matchesTheClosedFormForSmallSystems() {
        // B(A, C) = (A^C / C!) / Σ A^k / k!
        for servers in 0...12 {
            for load in [0.1, 1, 3.7, 12] {
                var term = 1.0, sum = 1.0
                for k in stride(from: 1, through: servers, by: 1) {
                    term *= load / Double(k)
                    sum += term
                }
                let exact = term / sum
                let b = erlangB(servers: servers, load: load)
                #expect(abs(b - exact) <= 1e-13 * exact, "B(\(load), \(servers)) = \(b), closed form \(exact)")
            }
        }
    }

    @Test func limitsAndMonotonicity() {
        #expect(erlangB(servers: 0, load: 4) == 1)
        #expect(erlangB(servers: 5, load: 0) == 0)
        var previous = 1.0
        for servers in 1...200 {
            let b = erlangB(servers: servers, load: 90)
            #expect(b < previous && b > 0, "B(90, \(servers)) = \(b) is not below B(90, \(servers - 1)) = \(previous)")
            previous = b
        }
        // Large systems neither overflow nor underflow to nonsense.
        let large = erlangB(servers: 10_000, load: 9_000)
        #expect(large > 0 && large < 0.01)
    }
}
