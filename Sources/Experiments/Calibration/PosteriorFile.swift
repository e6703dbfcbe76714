import Foundation
import ScenarioModule

/// Reading a calibration folder's posterior for `--posterior DIR`.
public enum PosteriorFile {
    /// The particles of `folder`'s `posterior.csv` (a folder `suanli calibrate` wrote: its manifest's
    /// `kind` is `calibration`).
    /// - Throws: ``ScenarioDiagnostics`` naming the file and line at fault.
    public static func load(folder: String) throws(ScenarioDiagnostics) -> ParticleDraws {
        let path = folder.hasSuffix("/") ? folder + "posterior.csv" : folder + "/posterior.csv"
        func problem(_ line: Int, _ message: String) -> ScenarioDiagnostics {
            ScenarioDiagnostics(diagnostics: [Diagnostic(file: path, line: line, column: 1, keyPath: "", message: message)], file: path)
        }
        let manifest = (try? String(contentsOfFile: folder + "/manifest.json", encoding: .utf8)) ?? ""
        guard manifest.contains("\"kind\": \"calibration\"") else {
            throw ScenarioDiagnostics(diagnostics: [Diagnostic(file: folder + "/manifest.json", line: 1, column: 1, keyPath: "",
                                                               message: "not a calibration folder (no manifest.json with kind "
                                                                   + "calibration); expected the output of suanli calibrate")],
                                      file: folder)
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw problem(1, "cannot read the file") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
        guard let header = lines.first?.split(separator: ",").map(String.init), header.count >= 3,
              header[0] == "particle", header[1] == "weight" else {
            throw problem(1, "expected the header particle,weight,KEY.PATH…")
        }
        var values: [[Double]] = [], weights: [Double] = []
        for (n, line) in lines.dropFirst().enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == header.count, let w = Double(f[1]) else {
                throw problem(n + 2, "expected \(header.count) fields: particle, weight and a value for each key")
            }
            let xs = f.dropFirst(2).compactMap { Double($0) }
            guard xs.count == header.count - 2, xs.allSatisfy(\.isFinite) else { throw problem(n + 2, "expected a number for each key") }
            values.append(xs)
            weights.append(w)
        }
        guard !values.isEmpty else { throw problem(2, "no particles") }
        return ParticleDraws(source: path, paths: Array(header.dropFirst(2)), values: values, weights: weights)
    }
}
