// swift-tools-version: 6.1
// Suanli (算力): a discrete-event simulator of the compute-leasing market.
//
// Targets depend only on those above them (see docs/ARCHITECTURE.md):
//   CGSL, CXoshiro → Stochastics ─┐
//   SimKernel ─────────────────────┼→ ReferenceModels
//   CKeyedDraws ───────────────────┼→ MarketModel → ScenarioModule ─┐
//   Tables (CSV) ──────────────────┴→ Analysis ─────────────────────┴→ Experiments → Explorer → suanli
//   CAllocator ─────────────────────────────────────────────────────────────────────────────────┘
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Suanli",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "suanli", targets: ["suanli"]),
        .library(name: "SimKernel", targets: ["SimKernel"]),
        .library(name: "Stochastics", targets: ["Stochastics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"]), .brew(["gsl"])]
        ),
        .target(
            name: "CXoshiro",
            dependencies: ["CGSL"],
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        // The consideration set's keyed draws, eight firms at a time (AVX2 where the CPU has it).
        .target(name: "CKeyedDraws", cSettings: [.unsafeFlags(["-O3"])]),
        // Atomic exchange of two paths (renameat2 RENAME_EXCHANGE / renamex_np RENAME_SWAP) for output folders.
        .target(name: "CRename"),
        // glibc's allocator told to keep freed memory for the next replication (mallopt).
        .target(name: "CAllocator"),

        // MARK: Kernel and randomness (no market words)
        .target(name: "SimKernel", swiftSettings: swiftSettings),
        .target(name: "Stochastics", dependencies: ["CGSL", "CXoshiro"], swiftSettings: swiftSettings),
        .target(name: "ReferenceModels", dependencies: ["SimKernel", "Stochastics", "CGSL"], swiftSettings: swiftSettings),

        // MARK: Result files and their analysis (no market words, nothing of how runs are made)
        .target(name: "Tables", swiftSettings: swiftSettings),
        .target(name: "Analysis", dependencies: ["Tables", "Stochastics"], swiftSettings: swiftSettings),

        // MARK: The market
        .target(name: "MarketModel", dependencies: ["SimKernel", "Stochastics", "CKeyedDraws"], swiftSettings: swiftSettings),
        .target(
            name: "ScenarioModule",
            dependencies: ["MarketModel", "Stochastics", .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Experiments",
            dependencies: ["MarketModel", "ScenarioModule", "Stochastics", "Tables", "Analysis", "CRename"],
            swiftSettings: swiftSettings
        ),

        // MARK: The what-if explorer (`suanli serve`): an HTTP server, its page and API
        .target(
            name: "Explorer",
            dependencies: ["Experiments", "ScenarioModule", "MarketModel", "Tables",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log")],
            resources: [.embedInCode("Resources/index.html"), .embedInCode("Resources/app.js"),
                        .embedInCode("Resources/app.css")],
            swiftSettings: swiftSettings
        ),

        // MARK: The command-line tool
        .executableTarget(
            name: "suanli",
            dependencies: [
                "Experiments", "Analysis", "Tables", "ScenarioModule", "ReferenceModels", "SimKernel", "Stochastics",
                "Explorer", "CAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel", "Stochastics"], swiftSettings: swiftSettings),
        .testTarget(name: "StochasticsTests", dependencies: ["Stochastics", "CGSL"], swiftSettings: swiftSettings),
        .testTarget(name: "ReferenceModelsTests", dependencies: ["ReferenceModels"], swiftSettings: swiftSettings),
        .testTarget(name: "MarketModelTests", dependencies: ["MarketModel", "ScenarioModule", "Experiments", "CKeyedDraws"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "ScenarioModuleTests", dependencies: ["ScenarioModule", "Stochastics"], swiftSettings: swiftSettings),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Tables", "Stochastics"], swiftSettings: swiftSettings),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Analysis", "Tables", "ScenarioModule", "Stochastics"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "SuanliTests", dependencies: ["suanli", "Stochastics", "Tables", .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["Golden"], swiftSettings: swiftSettings),
    ]
)
