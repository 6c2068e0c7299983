// swift-tools-version:6.0
import PackageDescription

/// How the two programs are linked on Linux: with the toolchain's lld, relative relocations
/// packed (`DT_RELR`, 26 KB instead of 3.2 MB of `.rela.dyn` that the loader reads and whose
/// targets it dirties at every start) and only the symbols the shared C libraries need exported
/// (Swift's static runtime asks for `-export-dynamic`, 4 MB of symbol tables nothing here looks
/// up). The console at 100k open tickets holds 7 MB less (issue 19's memory budget).
let leanExecutable: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
                 .when(platforms: [.linux])),
]

let package = Package(
    name: "ShiftDesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shiftdesk", targets: ["shiftdesk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already resolved through postgres-nio: SHA-256 for key fingerprints and the audit chain.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3" ..< "5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "ShiftDeskCore"),
        // Launching other programs (sendmail, lp, the nightly backup, the benchmarks' and tests'
        // tools): posix_spawn with clean signals; nothing uses Foundation's Process.
        .target(name: "ShiftDeskLaunch"),
        .target(name: "ShiftDeskConfig", dependencies: [
            "ShiftDeskCore",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "ShiftDeskStore", dependencies: [
            "ShiftDeskCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            // The C interface, for reading a million summary rows without GRDB's row decoding.
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "ShiftDeskInterchange", dependencies: [
            "CZlib",
            "ShiftDeskCore",
            "ShiftDeskStore",
        ]),
        .target(name: "ShiftDeskNotify", dependencies: [
            "ShiftDeskCore",
            "ShiftDeskLaunch",
            "ShiftDeskStore",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ShiftDeskTUI", dependencies: [
            "CNcurses",
            "ShiftDeskCore",
            "ShiftDeskLaunch",
            "ShiftDeskStore",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .executableTarget(name: "shiftdesk", dependencies: [
            "CMalloc",
            "ShiftDeskCore",
            "ShiftDeskConfig",
            "ShiftDeskStore",
            "ShiftDeskInterchange",
            "ShiftDeskNotify",
            "ShiftDeskTUI",
            "ShiftDeskLaunch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], linkerSettings: leanExecutable),
        .executableTarget(name: "Benchmarks", dependencies: [
            "ShiftDeskCore",
            "ShiftDeskStore",
            "ShiftDeskInterchange",
            "ShiftDeskTUI",
            "ShiftDeskLaunch",
        ], path: "Benchmarks", linkerSettings: leanExecutable),
        .testTarget(name: "ShiftDeskCoreTests", dependencies: ["ShiftDeskCore"]),
        .testTarget(name: "ShiftDeskConfigTests", dependencies: ["ShiftDeskConfig"]),
        .testTarget(name: "ShiftDeskStoreTests", dependencies: ["ShiftDeskStore"]),
        .testTarget(name: "ShiftDeskNotifyTests", dependencies: ["ShiftDeskNotify", "ShiftDeskLaunch"]),
        .testTarget(name: "ShiftDeskInterchangeTests", dependencies: ["ShiftDeskInterchange", "ShiftDeskLaunch"]),
        .testTarget(name: "ShiftDeskTUITests", dependencies: ["ShiftDeskTUI"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ShiftDeskCore", "ShiftDeskStore", "ShiftDeskLaunch"]),
        // Seeded mutations of real files through every reader and parser (Tests/Fixtures holds the seeds).
        .testTarget(name: "HostileFileTests", dependencies: ["CZlib", "ShiftDeskCore", "ShiftDeskConfig", "ShiftDeskInterchange",
                                                             "ShiftDeskStore", "ShiftDeskTUI"]),
    ],
    swiftLanguageModes: [.v6]
)
